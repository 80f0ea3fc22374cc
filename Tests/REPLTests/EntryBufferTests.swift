import Lang
import Testing

@testable import REPL

@Suite("Continuation lines")
struct EntryBufferTests {
    let session = Session()

    @Test("complete lines run at once; blank lines at the prompt do nothing")
    func single() {
        var buffer = EntryBuffer(isComplete: session.isComplete)
        #expect(buffer.add("   ") == .nothing)
        #expect(buffer.add("x = 1 + 2") == .run("x = 1 + 2"))
        #expect(buffer.isEmpty)
    }

    @Test("open braces, brackets and trailing operators ask for more")
    func continuation() {
        var buffer = EntryBuffer(isComplete: session.isComplete)
        guard case .needMore = buffer.add("fn f(a) {") else { Issue.record("expected needMore"); return }
        #expect(!buffer.isEmpty)
        guard case .needMore = buffer.add("  a * 2") else { Issue.record("expected needMore"); return }
        #expect(buffer.add("}") == .run("fn f(a) {\n  a * 2\n}"))
        guard case .needMore = buffer.add("total = 1 +") else { Issue.record("expected needMore"); return }
        #expect(buffer.add("2") == .run("total = 1 +\n2"))
        guard case .needMore = buffer.add("xs = [1,") else { Issue.record("expected needMore"); return }
        #expect(buffer.add("2]") == .run("xs = [1,\n2]"))
    }

    @Test("invalid code runs at once so its syntax error shows")
    func invalid() {
        var buffer = EntryBuffer(isComplete: session.isComplete)
        #expect(buffer.add("x = )") == .run("x = )"))
    }

    @Test("two blank lines end a stuck entry; reset drops it")
    func escape() {
        var buffer = EntryBuffer(isComplete: session.isComplete)
        _ = buffer.add("f(1,")
        guard case .needMore = buffer.add("") else { Issue.record("expected needMore"); return }
        #expect(buffer.add("") == .run("f(1,\n\n"))
        _ = buffer.add("[1,")
        buffer.reset()
        #expect(buffer.isEmpty)
        #expect(buffer.add("2") == .run("2"))
    }
}

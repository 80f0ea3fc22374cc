import Foundation
import Testing
@testable import Lang

@Suite struct DocsTests {
    /// docs/language.md ends with the generated builtin reference; it must match the builtins.
    @Test func languageReferenceListsEveryBuiltin() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/language.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(Session().helpMarkdown()), "regenerate the Builtins section from Session().helpMarkdown()")
    }

    /// Every builtin's example parses, and every help text has a signature, summary and example.
    @Test func everyBuiltinHasCompleteHelp() {
        let session = Session()
        for b in session.builtins {
            #expect(!b.summary.isEmpty && !b.example.isEmpty && b.signature.hasPrefix(b.name + "("), "\(b.name)")
            #expect(session.isComplete(b.example) == .complete, "\(b.name): \(b.example)")
        }
    }

    /// The examples whose comment gives a result produce exactly that result.
    @Test func builtinExamplesGiveTheResultTheySay() {
        let session = Session()
        _ = session.execute("xs = [3, 1, 2]\nd = 1\nm = 1\nname = 1", host: RecordingHost())
        for b in session.builtins {
            guard b.name != "print", let hash = b.example.range(of: "  # ") else { continue }
            let code = String(b.example[..<hash.lowerBound])
            let expected = String(b.example[hash.upperBound...])
            let outcome = session.execute(code, host: RecordingHost())
            #expect(outcome.result?.plain == expected, "\(b.name): \(code) gave \(outcome.result?.plain ?? outcome.error?.message ?? "nothing")")
        }
    }
}

import Testing
@testable import Lang

@Suite struct IsCompleteTests {
    let session = Session()

    @Test(arguments: ["x = 1", "print(1)", "fn f(a) { a }", "if a { 1 } else { 2 }", "", "# just a comment", "x = 1; y = 2"])
    func complete(code: String) {
        #expect(session.isComplete(code) == .complete)
    }

    @Test(arguments: [
        ("f(1,", "    "), ("x = [", "    "), ("fn f(a) {", "    "), ("if a {\n  if b {", "        "),
        ("x = 1 +", "    "), ("y = a and", "    "), ("z = {a: 1,", "    "), ("for i in 0..<3 {\n print(i)", "    "),
        ("x = 1,", "    "), ("total = total *  # a comment", "    "), ("if a {\n  b = [1,", "        "),
    ])
    func incomplete(code: String, indent: String) {
        #expect(session.isComplete(code) == .incomplete(indent: indent))
    }

    @Test(arguments: [")", "x = ]", "a b", "\"unterminated", "x = 1 $", "fn (", "break"])
    func invalid(code: String) {
        if code == "fn (" {
            #expect(session.isComplete(code) == .incomplete(indent: "    "))
        } else {
            #expect(session.isComplete(code) == .invalid)
        }
    }
}

@Suite struct CompletionTests {
    func session() -> Session {
        let s = Session()
        _ = s.execute("parts = {train: [1], test: [2]}\nlearning_rate = 0.1\nfn train_model(data, epochs: 1, lr: 0.001) { data }",
                      host: RecordingHost())
        return s
    }

    @Test func namesBuiltinsAndKeywords() {
        let s = session()
        let c = s.complete("x = lea", cursor: 7)
        #expect(c.matches == ["learning_rate"])
        #expect(c.cursorStart == 4 && c.cursorEnd == 7)
        #expect(s.complete("pri", cursor: 3).matches == ["print"])
        #expect(s.complete("whi", cursor: 3).matches == ["while"])
        #expect(s.complete("sq", cursor: 2).matches.contains("sqrt"))
    }

    @Test func namesDefinedInTheCodeItself() {
        let c = session().complete("my_total = 1\nmy_t", cursor: 17)
        #expect(c.matches == ["my_total"])
    }

    @Test func fieldsAfterDot() {
        let s = session()
        let c = s.complete("parts.t", cursor: 7)
        #expect(c.matches == ["train", "test"])
        #expect(c.cursorStart == 6)
        #expect(s.complete("parts.", cursor: 6).matches == ["train", "test"])
    }

    @Test func labelsInsideACall() {
        let c = session().complete("train_model(d, ep", cursor: 17)
        #expect(c.matches.first == "epochs: ")
    }

    @Test func nothingInsideAString() {
        #expect(session().complete("print(\"lea", cursor: 10).matches.isEmpty)
    }

    @Test func cursorOutOfRangeIsClamped() {
        let c = session().complete("pri", cursor: 99)
        #expect(c.matches == ["print"])
        #expect(session().complete("", cursor: -5).cursorStart == 0)
    }
}

@Suite struct InspectTests {
    @Test func builtinHelp() throws {
        let s = Session()
        let text = try #require(s.inspect("round(3.2)", cursor: 2, detail: 0)).plain
        #expect(text.hasPrefix("round(x, digits: 0)"))
        #expect(text.contains("round(3.14159, digits: 2)"))
    }

    @Test func insideACallShowsTheFunction() throws {
        let s = Session()
        let text = try #require(s.inspect("sqrt(", cursor: 5, detail: 0)).plain
        #expect(text.hasPrefix("sqrt(x)"))
    }

    @Test func valuesAndFields() throws {
        let s = Session()
        _ = s.execute("cfg = {lr: 0.001, epochs: 2}", host: RecordingHost())
        #expect(s.inspect("cfg", cursor: 1, detail: 0)?.plain == "cfg: record = {lr: 0.001, epochs: 2}")
        #expect(s.inspect("cfg.lr", cursor: 6, detail: 0)?.plain == "cfg.lr: number = 0.001")
        #expect(s.inspect("nothing_here", cursor: 3, detail: 0) == nil)
        #expect(s.inspect("for", cursor: 1, detail: 0)?.plain.hasPrefix("for x in xs") == true)
    }

    @Test func userFunctionDocComment() throws {
        let s = Session()
        _ = s.execute("# Doubles a number.\nfn double(x) { 2 * x }", host: RecordingHost())
        let text = try #require(s.inspect("double(4)", cursor: 3, detail: 0)).plain
        #expect(text.hasPrefix("double(x)\n    Doubles a number."))
    }
}

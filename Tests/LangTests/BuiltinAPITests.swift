// The registration API the engine bindings use: builtins, arguments, contexts, host objects.

import Testing
@testable import Lang

/// A stand-in engine object: a handle with fields, indexing and iteration, like a dataset.
final class FakeDataset: HostObject {
    let questions: [String]
    init(_ questions: [String]) { self.questions = questions }
    var typeName: String { "dataset" }
    var plainText: String { "dataset(\(questions.count) examples)" }
    var html: String? { "<table><tr><td>\(questions.count)</td></tr></table>" }
    var fieldNames: [String] { ["size", "questions"] }
    func field(_ name: String) throws -> Value? {
        switch name {
        case "size": return .int(questions.count)
        case "questions": return .strings(questions)
        default: return nil
        }
    }
    var count: Int? { questions.count }
    func element(at index: Int) throws -> Value { ["question": .string(questions[index])] }
}

/// A stand-in plot: SVG with a one-line text summary.
final class FakePlot: HostObject {
    var typeName: String { "plot" }
    var plainText: String { "plot: histogram of 3 values" }
    var svg: String? { "<svg></svg>" }
}

@Suite struct BuiltinAPITests {
    func session(_ extra: [Builtin]) -> Session { Session(builtins: extra) }

    let train = Builtin(
        name: "train", parameters: [.init("data"), .init("epochs", default: 1), .init("lr", default: 0.001), .init("validate", default: .null)],
        summary: "Trains.", example: "train(d, epochs: 2)", category: "Training"
    ) { args, _ in
        let data = try args.object("data", as: FakeDataset.self, expected: "a dataset")
        let epochs = try args.int("epochs")
        let lr = try args.number("lr")
        return ["examples": .int(data.questions.count), "epochs": .int(epochs), "lr": .number(lr),
                "validated": .bool(!args["validate"].isNull), "lr_given": .bool(args.isGiven("lr"))]
    }

    @Test func labelsDefaultsAndTypedArguments() {
        let s = session([train])
        s.setValue(.object(FakeDataset(["a", "b"])), named: "d")
        #expect(s.run("train(d)").outcome.result?.plain == "{examples: 2, epochs: 1, lr: 0.001, validated: false, lr_given: false}")
        #expect(s.run("train(d, epochs: 15, lr: 0.5)").outcome.result?.plain == "{examples: 2, epochs: 15, lr: 0.5, validated: false, lr_given: true}")
        #expect(s.run("train(d, 3)").outcome.result?.plain == "{examples: 2, epochs: 3, lr: 0.001, validated: false, lr_given: false}")
    }

    @Test func argumentErrorsNameTheFunctionAndArgument() {
        let s = session([train])
        s.setValue(.object(FakeDataset(["a"])), named: "d")
        #expect(s.run("train(d, epochs: \"many\")").outcome.error?.message == "train: argument 'epochs' must be a number, got string")
        #expect(s.run("train(d, epochs: 1.5)").outcome.error?.message == "train: argument 'epochs' must be a whole number, got 1.5")
        #expect(s.run("train(5)").outcome.error?.message == "train: argument 'data' must be a dataset, got number")
        let unknown = s.run("train(d, epoch: 2)").outcome.error
        #expect(unknown?.name == "TypeError")
        #expect(unknown?.message == "train: unknown label 'epoch'; train takes: data, epochs, lr, validate")
    }

    @Test func builtinErrorsGetTheCallLocation() {
        let failing = Builtin(name: "diverge", summary: "Fails.", example: "diverge()") { _, _ in
            throw RuntimeError(.numericError, "diverge: the loss became NaN at step 3")
        }
        let outcome = session([failing]).run("x = 1\n  diverge()").outcome
        #expect(outcome.error?.name == "NumericError")
        #expect(outcome.error?.message == "diverge: the loss became NaN at step 3")
        #expect(outcome.error?.traceback == ["NumericError: diverge: the loss became NaN at step 3", "at line 2, column 10:", "      diverge()", "             ^"])
    }

    @Test func foreignErrorsBecomeIOErrors() {
        struct DiskFull: Error {}
        let failing = Builtin(name: "write_it", summary: "Fails.", example: "write_it()") { _, _ in throw DiskFull() }
        #expect(session([failing]).run("write_it()").outcome.error?.name == "IOError")
    }

    @Test func hostObjectsBehaveLikeValues() {
        let s = Session()
        s.setValue(.object(FakeDataset(["q1", "q2", "q3"])), named: "data")
        s.setValue(.object(FakePlot()), named: "p")
        let (outcome, host) = s.run("""
            print(type(data), len(data), data.size, data[0].question, data[-1].question)
            for ex in data { print(ex.question) }
            print(keys(data))
            data
            """)
        #expect(host.stdout == "dataset 3 3 q1 q3\nq1\nq2\nq3\n[\"size\", \"questions\"]\n")
        #expect(outcome.result == MimeBundle(plain: "dataset(3 examples)", html: "<table><tr><td>3</td></tr></table>"))
        #expect(s.run("p").outcome.result == MimeBundle(plain: "plot: histogram of 3 values", svg: "<svg></svg>"))
        #expect(s.run("data.nope").outcome.error?.message == "a dataset has no field 'nope'; its fields are: size, questions")
        #expect(s.run("p[0]").outcome.error?.message == "a plot cannot be indexed by a number")
        #expect(s.run("for x in p { }").outcome.error?.message == "cannot loop over a plot")
        #expect(s.run("len(p)").outcome.error?.name == "TypeError")
        #expect(s.run("data == data").outcome.result?.plain == "true")
    }

    @Test func contextEmitsDisplaysAndUpdates() {
        let progress = Builtin(name: "progress", parameters: [.init("steps", default: 3)], summary: "Shows progress.", example: "progress()") { args, context in
            let id = context.newDisplayID()
            context.emit(.display(MimeBundle(plain: "step 0"), id: id))
            for step in 1...(try args.int("steps")) {
                try context.checkInterrupted()
                context.emit(.updateDisplay(MimeBundle(plain: "step \(step)"), id: id))
            }
            return .null
        }
        let (_, host) = session([progress]).run("progress(steps: 2)")
        #expect(host.events == [
            .display(MimeBundle(plain: "step 0"), id: "latent-display-1"),
            .updateDisplay(MimeBundle(plain: "step 1"), id: "latent-display-1"),
            .updateDisplay(MimeBundle(plain: "step 2"), id: "latent-display-1"),
        ])
    }

    @Test func contextCallsLanguageFunctions() {
        let apply = Builtin(name: "apply_twice", parameters: [.init("f"), .init("x")], summary: "f(f(x)).", example: "apply_twice(fn(x) { x + 1 }, 0)") { args, context in
            try context.call(args["f"], [context.call(args["f"], [args["x"]])])
        }
        let s = session([apply])
        #expect(s.run("apply_twice(fn(x) { x * 3 }, 2)").outcome.result?.plain == "18")
        let error = s.run("apply_twice(fn(x) { x + \"a\" }, 2)").outcome.error
        #expect(error?.name == "TypeError")
        #expect(error?.traceback.contains("in fn, called at line 1, column 12") == true)
    }

    @Test func contextReadsInput() {
        let ask = Builtin(name: "ask", summary: "Asks.", example: "ask()") { _, context in
            .string(try context.readInput(prompt: "? "))
        }
        let s = session([ask])
        let (outcome, host) = s.run("ask()", inputs: ["yes"])
        #expect(outcome.result?.plain == "\"yes\"")
        #expect(host.prompts == ["? "])
        #expect(s.run("ask()").outcome.error?.name == "IOError")
    }

    @Test func seededDrawsAreReproducible() {
        let draw = Builtin(name: "draw", summary: "A seed.", example: "draw()") { _, context in .number(Double(context.nextRandomSeed() % 1000)) }
        let s = session([draw])
        let a = s.run("seed(5); [draw(), draw()]").outcome.result
        let b = s.run("seed(5); [draw(), draw()]").outcome.result
        #expect(a != nil && a == b)
    }

    @Test func extraBuiltinsReplaceGeneralOnesAndAppearInHelp() {
        let split = Builtin(name: "split", parameters: [.init("data"), .init("fraction", default: 0.9)], summary: "Splits a dataset.", example: "split(d, 0.9)", category: "Data") { _, _ in .null }
        let myLen = Builtin(name: "len", parameters: [.init("x")], summary: "Custom.", example: "len(x)") { _, _ in 42 }
        let s = session([split, myLen])
        #expect(s.run("len([1])").outcome.result?.plain == "42")
        let (_, host) = s.run("help()")
        guard case .page(let page) = host.events.first else {
            Issue.record("no page")
            return
        }
        #expect(page.contains("\nData\n  split(data, fraction: 0.9)"))
        #expect(s.builtins.filter { $0.name == "len" }.count == 1)
    }

    @Test func valueLiteralsAndTables() throws {
        let v: Value = ["lr": 0.001, "epochs": 2, "tags": ["a", true, .null]]
        #expect(v.plainText == "{lr: 0.001, epochs: 2, tags: [\"a\", true, nil]}")
        let t = try Table(records: [["steps": 1, "accuracy": 0.5], ["steps": 2, "accuracy": 0.25]])
        #expect(t.plainText == "steps  accuracy\n    1       0.5\n    2      0.25")
        #expect(t.html?.contains("<tr><td>1</td><td>0.5</td></tr>") == true)
        #expect(try t.field("accuracy") == .list([0.5, 0.25]))
        #expect(Value.object(t).typeName == "table")
    }

    /// A text form stops with an ellipsis once it passes its byte limit (100,000,000 in use, so a
    /// list holding one long string millions of times cannot exhaust memory when printed).
    @Test func textFormsStopAtTheirLimit() {
        let v: Value = ["a": ["xxxx", "yyyy", "zzzz"], "b": 1]
        var out = ""
        v.write(to: &out, quoted: true, depth: 0, limit: 8)
        #expect(out == "{a: [\"xxxx\", …], …}")
        out = ""
        v.write(to: &out, quoted: true, depth: 0, limit: 1000)
        #expect(out == v.plainText && out == "{a: [\"xxxx\", \"yyyy\", \"zzzz\"], b: 1}")
    }
}

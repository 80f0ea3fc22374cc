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

@Suite struct ContractShapeTests {
    /// "A taste" and every call form the contract shows parse as written.
    @Test func contractCodeParses() {
        let session = Session()
        let taste = """
            data  = arith(n: 20000, steps: 1...4, seed: 1)  # GSM8K-Aug-style problems
            parts = split(data, 0.9)
            m     = model(parts.train, dim: 128, layers: 4, heads: 4)
            sft(m, parts.train, epochs: 15)                 # explicit chain-of-thought teacher
            distill(m, parts.train, latent: 6, epochs: 10)  # CODI-style latent SFT, fixed 6 steps
            before = evaluate(m, parts.test)
            rl(m, arith(n: 3000, seed: 2), steps: 300)      # learn when to stop, on unseen prompts
            after  = evaluate(m, parts.test)
            hist(after.lengths, title: "total reasoning length after RL")
            """
        #expect(session.isComplete(taste) == .complete)
        let forms = [
            "arith(n: 1000, steps: 1...4, max: 99, seed: 0)", "load_data(path)", "save(dataset, \"file.jsonl\")",
            "split(data, 0.9, seed: 0)", "take(data, n)", "data[i]", "len(data)",
            "model(data, dim: 128, layers: 4, heads: 4, seed: 0)", "save(model, \"dir\")", "load_model(\"dir\")",
            "params(m)", "tokenize(model, \"text\")", "detokenize(model, ids)", "predict(model, \"text\", top: 5)",
            "sft(model, data, epochs: 1, lr: 1e-3, batch: 32, cot: true)",
            "distill(model, data, latent: 6, epochs: 1, lr: 1e-3, batch: 32, weight: 20)",
            "rl(model, data, steps: 100, prompts: 8, group: 16, lr: 1e-5, kl: 1e-3, penalty: 1e-4,\n  bonus: 0.1, cutoff: 1.0, validate: nil)",
            "solve(model, \"question\", mode: \"latent\")", "evaluate(model, data, mode: \"latent\")",
            "hist(values, bins: 10, title: \"\", xlabel: \"\", ylabel: \"count\")", "line(ys)", "line(xs, ys)",
            "line({name: ys, other: ys2})", "bar(labels, values)", "scatter(xs, ys)", "heatmap(rows)",
            "curve(run, \"loss\")", "save(plot, \"file.svg\")",
        ]
        for form in forms {
            #expect(session.isComplete(form) == .complete, "\(form)")
        }
    }

    /// A builtin may run more code through the session; the outer execution keeps its host.
    @Test func nestedExecutionKeepsTheOuterHost() {
        final class SessionBox: @unchecked Sendable { weak var session: Session? }
        let box = SessionBox()
        let eval = Builtin(name: "eval_code", parameters: [.init("code")], summary: "Runs code.", example: "eval_code(\"1 + 1\")") { args, _ in
            guard let session = box.session else { return .null }
            let outcome = session.execute(try args.string("code"), host: RecordingHost())
            return outcome.result.map { .string($0.plain) } ?? .null
        }
        let session = Session(builtins: [eval])
        box.session = session
        let (outcome, host) = session.run("x = eval_code(\"2 * 21\")\nprint(x)")
        #expect(outcome.error == nil)
        #expect(host.stdout == "42\n")
    }
}

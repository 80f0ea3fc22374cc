// Inference builtins: evaluate and solve.

import Datasets
import Lang
import Models
import Training

/// The Inference category of the contract.
enum InferenceBuiltins {
    static let category = "Inference"

    static var all: [Builtin] { [evaluate, solve] }

    /// The modes the engine can run now. `"latent"` and a forced number of latent steps are
    /// accepted by the contract, but need the latent-reasoning model, which has not landed.
    static func mode(_ args: Arguments) throws -> EvaluationMode {
        let accepted = "\"cot\" or \"nocot\""
        switch args["mode"] {
        case .string(let s):
            if let mode = EvaluationMode(rawValue: s) { return mode }
            if s == "latent" {
                throw args.valueError("mode", "\"latent\" needs latent reasoning (distill), which this build does not have yet; "
                    + "accepted now: \(accepted)")
            }
            throw args.valueError("mode", "must be \(accepted) (or \"latent\" or a number of latent steps, once latent reasoning exists), got \(Value.string(s).plainText)")
        case .number(let x):
            throw args.valueError("mode", "\(Markup.number(x)) (forced latent steps) needs latent reasoning (distill), which this "
                + "build does not have yet; accepted now: \(accepted)")
        default:
            throw args.typeError("mode", expected: "a string (\(accepted))")
        }
    }

    static func tokenBudget(_ args: Arguments) throws -> Int {
        let n = try args.int("max_tokens")
        guard n >= 1 else { throw args.valueError("max_tokens", "must be at least 1, got \(n)") }
        return n
    }

    static var evaluate: Builtin {
        Builtin(
            name: "evaluate",
            parameters: [.init("model"), .init("data"), .init("mode", default: "latent"),
                         .init("max_tokens", default: 160), .init("batch", default: 64)],
            summary: "Greedy answers of the model on every example, scored as in the paper: accuracy (0…1), "
                + "each example's total reasoning length (chain-of-thought tokens in \"cot\", 0 in \"nocot\"), "
                + "and a by_steps table (steps, count, accuracy, mean_length). Returns an evaluation.",
            example: "e = evaluate(m, parts.test, mode: \"cot\")",
            category: category
        ) { args, context in
            let model = try ModelBuiltins.model(args)
            let data = try DataBuiltins.dataset(args, "data")
            let mode = try mode(args)
            let budget = try tokenBudget(args)
            let batch = try ModelBuiltins.positive(args, "batch")
            guard !data.dataset.isEmpty else { throw args.valueError("data", "is empty; pass a dataset with at least one example") }
            let interruption = context.interruption
            let progress = ProgressDisplay(context: context, title: "evaluate", unit: "example", total: data.dataset.count)
            let result = try EngineErrors.run("evaluate", "data") {
                try Evaluator.evaluate(
                    model: model.model, tokenizer: model.tokenizer, data: data.dataset, mode: mode,
                    maximumNewTokens: budget, batchSize: batch
                ) { done, total in
                    progress.update(done: done, total: total, metrics: [])
                    return interruption.isRequested ? .stop : .continue
                }
            }
            let object = EvaluationObject(result: result, mode: mode.rawValue, requested: data.dataset.count)
            if interruption.isRequested && object.evaluatedCount < data.dataset.count {
                progress.finish(status: "interrupted after \(object.evaluatedCount) of \(data.dataset.count) examples",
                                summary: object.mimeBundle)
                throw RuntimeError(.interrupted,
                    "evaluate: interrupted after \(object.evaluatedCount) of \(data.dataset.count) examples")
            }
            progress.finish(status: "done", summary: object.mimeBundle)
            return .object(object)
        }
    }

    static var solve: Builtin {
        Builtin(
            name: "solve",
            parameters: [.init("model"), .init("question"), .init("mode", default: "latent"), .init("max_tokens", default: 160)],
            summary: "The model's greedy answer to one question, as a trace {answer, text, latent_steps, stop_probs}; "
                + "`answer` is the number after \"The answer is:\" (nil when the output has none).",
            example: "t = solve(m, \"Tom has 12 apples and buys 7 more. How many apples does Tom have?\", mode: \"cot\")",
            category: category
        ) { args, _ in
            let model = try ModelBuiltins.model(args)
            let question = try args.string("question")
            let mode = try mode(args)
            let budget = try tokenBudget(args)
            let prompt = model.tokenizer.prompt(question: question, latent: false)
            let limit = model.configuration.maximumLength
            guard prompt.count < limit else {
                throw args.valueError("question", "has \(prompt.count) tokens with the prompt, leaving no room under the model's max_length \(limit)")
            }
            let generation = try EngineErrors.run("solve", "question") {
                try model.model.generate(prompts: [prompt], maximumNewTokens: budget, stopTokens: [model.tokenizer.eosID])
            }
            let tokens = generation.first?.tokens ?? []
            let text = model.tokenizer.decode(tokens, skipSpecial: true)
            let answer: String?
            if case .number(let x) = AnswerParsing.outcome(of: text) { answer = Markup.number(x) } else { answer = nil }
            return .object(TraceObject(question: question, answer: answer, text: text, latentSteps: 0,
                                       stopProbabilities: [], mode: mode.rawValue, tokenCount: tokens.count))
        }
    }
}

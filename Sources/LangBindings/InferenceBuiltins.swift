// Inference builtins: evaluate and solve, in chain-of-thought, No-CoT and latent modes.

import Datasets
import Lang
import Models
import Training

/// The Inference category of the contract.
enum InferenceBuiltins {
    static let category = "Inference"

    static var all: [Builtin] { [evaluate, solve, stepLens, FrontierBuiltin.frontier] }

    /// How a model is asked to answer.
    enum Mode {
        /// `"cot"` or `"nocot"`: greedy text generation after the question.
        case text(EvaluationMode)
        /// `"latent"` (the stop head decides, capped at 16) or a number (that many latent steps).
        case latent(LatentModel, LatentStepPolicy)

        /// The mode as the language writes it.
        var name: String {
            switch self {
            case .text(let mode): mode.rawValue
            case .latent(_, .forced(let n)): "\(n)"
            case .latent: "latent"
            }
        }
    }

    static func mode(_ args: Arguments, model: ModelObject) throws -> Mode {
        let accepted = "\"cot\", \"nocot\", \"latent\" or a number of latent steps"
        func latent(_ policy: LatentStepPolicy, _ shown: String) throws -> Mode {
            guard let latent = model.latent else {
                throw args.valueError("mode", "\(shown) needs a model trained with distill (this model has no latent "
                    + "reasoning yet); accepted for it: \"cot\", \"nocot\"")
            }
            return .latent(latent, policy)
        }
        switch args["mode"] {
        case .string(let s):
            if let mode = EvaluationMode(rawValue: s) { return .text(mode) }
            if s == "latent" { return try latent(.standard, "\"latent\"") }
            throw args.valueError("mode", "must be \(accepted), got \(Value.string(s).plainText)")
        case .number:
            let n = try args.int("mode")
            guard n >= 0 else { throw args.valueError("mode", "a forced number of latent steps must be 0 or more, got \(n)") }
            return try latent(.forced(n), "\(n) (forced latent steps)")
        default:
            throw args.typeError("mode", expected: accepted)
        }
    }

    static func tokenBudget(_ args: Arguments) throws -> Int {
        let n = try args.int("max_tokens")
        guard n >= 1 else { throw args.valueError("max_tokens", "must be at least 1, got \(n)") }
        return n
    }

    /// Tokens after `<END>` in latent modes: the answer sentence is short, so 32 unless given.
    static func answerBudget(_ args: Arguments, _ budget: Int) -> Int {
        args.isGiven("max_tokens") ? budget : 32
    }

    static var evaluate: Builtin {
        Builtin(
            name: "evaluate",
            parameters: [.init("model"), .init("data"), .init("mode", default: "latent"),
                         .init("max_tokens", default: 160), .init("batch", default: 64)],
            summary: "Greedy answers of the model on every example, scored as in the paper: accuracy (0…1), each "
                + "example's total reasoning length (latent steps + 2 in latent modes, chain-of-thought tokens in "
                + "\"cot\", 0 in \"nocot\"), and a by_steps table (steps, count, accuracy, mean_length). `mode` is "
                + "\"cot\", \"nocot\", \"latent\" (the stop head decides) or a number (that many latent steps). In latent modes "
                + "`e.latent_steps` and `e.flops` (forward FLOPs) give each example's cost. Returns an evaluation.",
            example: "before = evaluate(m, parts.test)",
            category: category
        ) { args, context in
            let model = try ModelBuiltins.model(args)
            let data = try DataBuiltins.dataset(args, "data")
            let mode = try mode(args, model: model)
            let budget = try tokenBudget(args)
            let batch = try ModelBuiltins.positive(args, "batch")
            guard !data.dataset.isEmpty else { throw args.valueError("data", "is empty; pass a dataset with at least one example") }
            let interruption = context.interruption
            let progress = ProgressDisplay(context: context, title: "evaluate", unit: "example", total: data.dataset.count)
            let onProgress: (Int, Int) -> TrainingControl = { done, total in
                progress.update(done: done, total: total, metrics: [])
                return interruption.isRequested ? .stop : .continue
            }
            let object: EvaluationObject
            switch mode {
            case .text(let textMode):
                let result = try EngineErrors.run("evaluate", "data") {
                    try Evaluator.evaluate(model: model.model, tokenizer: model.tokenizer, data: data.dataset, mode: textMode,
                                           maximumNewTokens: budget, batchSize: batch, onProgress: onProgress,
                                           shouldStop: { interruption.isRequested })
                }
                object = EvaluationObject(result: result, mode: mode.name, requested: data.dataset.count)
            case .latent(let latent, let policy):
                let result = try EngineErrors.run("evaluate", "data") {
                    try LatentEvaluator.evaluate(model: latent, tokenizer: model.tokenizer, data: data.dataset, policy: policy,
                                                 maximumAnswerTokens: answerBudget(args, budget), batchSize: batch,
                                                 onProgress: onProgress, shouldStop: { interruption.isRequested })
                }
                object = EvaluationObject(result: result.result, mode: mode.name, requested: data.dataset.count,
                                          latentSteps: result.latentSteps, flops: result.flops)
            }
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
                + "`answer` is the number after \"The answer is:\" (nil when there is none). In latent modes `t.reads` "
                + "shows what each latent state reads as (the output head's top tokens), its stop probability, and "
                + "what the model writes from the latent vector it hands on (`writes`: after `distill(…, step_weight: 1)`, the "
                + "intermediate result that latent step carries).",
            example: "t = solve(m, \"Tom has 12 apples and buys 7 more. How many apples does Tom have?\")",
            category: category
        ) { args, _ in
            let model = try ModelBuiltins.model(args)
            let question = try args.string("question")
            let mode = try mode(args, model: model)
            let budget = try tokenBudget(args)
            switch mode {
            case .text:
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
                                           stopProbabilities: [], mode: mode.name, tokenCount: tokens.count))
            case .latent(let latent, let policy):
                let trace = try EngineErrors.run("solve", "question") {
                    try LatentEvaluator.solve(model: latent, tokenizer: model.tokenizer, question: question, policy: policy,
                                              maximumAnswerTokens: answerBudget(args, budget))
                }
                let reads = trace.steps.indices.map { i in
                    TraceObject.Read(step: trace.steps[i].step, stopProbability: trace.steps[i].stopProbability,
                                     tokens: trace.topTokenTexts[i], probabilities: trace.steps[i].topTokens.map(\.probability),
                                     writes: i < trace.writes.count ? trace.writes[i] : "")
                }
                return .object(TraceObject(
                    question: question, answer: trace.answer.map(Markup.number), text: trace.text,
                    latentSteps: trace.latentSteps, stopProbabilities: trace.steps.map(\.stopProbability), mode: mode.name,
                    tokenCount: model.tokenizer.encode(trace.text).count, reads: reads))
            }
        }
    }
}

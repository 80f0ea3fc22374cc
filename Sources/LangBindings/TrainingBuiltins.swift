// Training builtins: sft (distill and rl join when their trainers land).

import Lang
import Training

/// The Training category of the contract. Each builtin returns a `run`.
enum TrainingBuiltins {
    static let category = "Training"

    static var all: [Builtin] { [sft] }

    static var sft: Builtin {
        Builtin(
            name: "sft",
            parameters: [.init("model"), .init("data"), .init("epochs", default: 1), .init("lr", default: 1e-3),
                         .init("batch", default: 32), .init("cot", default: true), .init("steps", default: .null),
                         .init("seconds", default: .null), .init("warmup", default: 100), .init("seed", default: 0)],
            summary: "Token-level fine-tuning of the model in place on question → chain of thought → answer "
                + "(cot: false trains the No-CoT baseline). AdamW, warm-up then cosine decay; `steps` caps the "
                + "optimizer steps, `seconds` trains for a time budget. Returns a run.",
            signature: "sft(model, data, epochs: 1, lr: 1e-3, batch: 32, cot: true, steps: nil, seconds: nil, warmup: 100, seed: 0)",
            example: "r = sft(m, parts.train, epochs: 15)",
            category: category
        ) { args, context in
            let model = try ModelBuiltins.model(args)
            let data = try DataBuiltins.dataset(args, "data")
            var p = SFTTrainer.Parameters()
            p.epochs = try positiveNumber(args, "epochs")
            p.learningRate = try positiveNumber(args, "lr")
            p.batchSize = try ModelBuiltins.positive(args, "batch")
            p.chainOfThought = try args.bool("cot")
            if let steps = try args.optionalInt("steps") {
                guard steps >= 1 else { throw args.valueError("steps", "must be at least 1 (or nil for no cap), got \(steps)") }
                p.maximumSteps = steps
            }
            if args.isGiven("seconds"), !args["seconds"].isNull {
                p.timeBudget = try positiveNumber(args, "seconds")
            }
            p.warmupSteps = try args.int("warmup")
            guard p.warmupSteps >= 0 else { throw args.valueError("warmup", "must be 0 or more, got \(p.warmupSteps)") }
            let seed = try args.int("seed")
            guard seed >= 0 else { throw args.valueError("seed", "must be 0 or more, got \(seed)") }
            p.seed = UInt64(seed)
            guard !data.dataset.isEmpty else { throw args.valueError("data", "is empty; pass a dataset with at least one example") }
            let parameters = p
            var driver = TrainingDriver(kind: "sft", model: model, settings: settings(args), context: context)
            driver.timeBudget = parameters.timeBudget
            return try driver.run { onEvent in
                try SFTTrainer.train(model: model.model, tokenizer: model.tokenizer, data: data.dataset,
                                     parameters: parameters, onEvent: onEvent)
            }
        }
    }

    /// A finite number above zero.
    static func positiveNumber(_ args: Arguments, _ name: String) throws -> Double {
        let x = try args.number(name)
        guard x.isFinite, x > 0 else { throw args.valueError(name, "must be a positive number, got \(Markup.number(x))") }
        return x
    }

    /// The settings a run shows: every parameter but the model and the data, as passed.
    static func settings(_ args: Arguments) -> Record {
        Record(zip(args.names, args.values).filter { !["model", "data"].contains($0.0) && !$0.1.isNull }.map { ($0.0, $0.1) })
    }
}

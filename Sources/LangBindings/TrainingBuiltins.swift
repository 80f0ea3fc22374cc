// Training builtins: sft and distill (rl is in RLBuiltin.swift).

import Lang
import Training

/// The Training category of the contract. Each builtin returns a `run`.
enum TrainingBuiltins {
    static let category = "Training"

    static var all: [Builtin] { [sft, distill, rl] }

    static var sft: Builtin {
        Builtin(
            name: "sft",
            parameters: [.init("model"), .init("data"), .init("epochs", default: 1), .init("lr", default: 1e-3),
                         .init("batch", default: 16), .init("cot", default: true), .init("max_steps", default: .null),
                         .init("seconds", default: .null), .init("warmup", default: 100), .init("seed", default: 0)],
            summary: "Token-level fine-tuning of the model in place on question → chain of thought → answer; "
                + "`cot: false` trains the No-CoT baseline. "
                + "AdamW with warm-up then cosine decay; the run ends after `epochs`, `max_steps` optimizer steps or "
                + "`seconds`, whichever comes first. Returns a run.",
            signature: "sft(model, data, epochs: 1, lr: 1e-3, batch: 16, cot: true, max_steps: nil, seconds: nil, warmup: 100, seed: 0)",
            example: "r = sft(m, parts.train, epochs: 15)",
            category: category, link: "docs/method.md", renamedLabels: renamed
        ) { args, context in
            let model = try ModelBuiltins.model(args)
            let data = try DataBuiltins.dataset(args, "data")
            var p = SFTTrainer.Parameters()
            p.epochs = try positiveNumber(args, "epochs")
            p.optimizer.learningRate = try positiveNumber(args, "lr")
            p.batchSize = try ModelBuiltins.positive(args, "batch")
            p.chainOfThought = try args.bool("cot")
            let length = try RunLength(args, data: data)
            (p.maximumSteps, p.timeBudget, p.optimizer.warmupSteps, p.seed) = (length.maximumSteps, length.timeBudget, length.warmupSteps, length.seed)
            let parameters = p
            var driver = TrainingDriver(kind: "sft", model: model, settings: settings(args), context: context)
            driver.timeBudget = parameters.timeBudget
            return try driver.run { onEvent in
                try SFTTrainer.train(model: model.model, tokenizer: model.tokenizer, data: data.dataset,
                                     parameters: parameters, onEvent: onEvent)
            }
        }
    }

    /// The optimizer-step cap was `steps:`, which clashed with `arith(steps: 1...4)`.
    static let renamed = ["steps": "max_steps"]

    static var distill: Builtin {
        let stepwise = DistillationRecipe.stepwise.parameters
        let recipes = DistillationRecipe.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        return Builtin(
            name: "distill",
            parameters: [.init("model"), .init("data"), .init("recipe", default: .string(DistillationRecipe.default.rawValue)),
                         .init("latent", default: 6), .init("epochs", default: 1),
                         .init("lr", default: .number(stepwise.optimizer.learningRate)), .init("batch", default: .int(stepwise.batchSize)),
                         .init("weight", default: .number(stepwise.distillWeight)),
                         .init("step_weight", default: .number(stepwise.stepWeight)),
                         .init("step_align", default: .string(stepwise.stepAlignment.rawValue)),
                         .init("max_steps", default: .null), .init("seconds", default: .null), .init("warmup", default: 100),
                         .init("seed", default: 0)],
            summary: "CODI-style latent distillation of the model in place: a teacher pass (written chain of thought) and a "
                + "student pass (`latent` steps, or \"by-step\") share the weights. "
                + "`recipe` sets `batch`, `lr`, `weight` (the distillation term), `step_weight` and `step_align` (\"chunks\" "
                + "or \"next\"); an argument given overrides it. "
                + "Recipes: \"stepwise\" (step supervision; \(DistillationRecipe.stepwise.figure)), \"codi\" (the paper's; "
                + "\(DistillationRecipe.codi.figure)), \"coconut\" (a curriculum; \(DistillationRecipe.coconut.figure)). "
                + "Returns a run; its `notes` say why the divergence guard rolled back.",
            signature: "distill(model, data, recipe: \"stepwise\", latent: 6, epochs: 1, lr: 1e-3, batch: 4, weight: 2, "
                + "step_weight: 1, step_align: \"chunks\", max_steps: nil, seconds: nil, warmup: 100, seed: 0)",
            example: "r = distill(m, parts.train, seconds: 600)",
            category: category, link: "docs/method.md", renamedLabels: renamed
        ) { args, context in
            let model = try ModelBuiltins.model(args)
            let data = try DataBuiltins.dataset(args, "data")
            let name = try args.string("recipe")
            guard let recipe = DistillationRecipe(rawValue: name) else {
                throw args.valueError("recipe", "must be \(recipes), got \"\(name)\"")
            }
            var p = recipe.parameters
            switch args["latent"] {
            case .string("by-step"): p.latent = .byStep
            case .string(let s) where s.hasPrefix("by-chain"):
                let k = s == "by-chain" ? 3 : Int(s.dropFirst("by-chain-".count)) ?? 0
                guard k > 0, s == "by-chain" || s.hasPrefix("by-chain-") else {
                    throw args.valueError("latent", "\"by-chain\" or \"by-chain-K\" (one latent per K written tokens, K ≥ 1), got \"\(s)\"")
                }
                p.latent = .byChain(tokensPerLatent: k)
            case .number:
                let n = try args.int("latent")
                guard (0...64).contains(n) else { throw args.valueError("latent", "must be 0 to 64 latent steps (or \"by-step\"), got \(n)") }
                p.latent = .fixed(n)
            default:
                throw args.typeError("latent", expected: "a number of latent steps or \"by-step\"")
            }
            p.epochs = try positiveNumber(args, "epochs")
            if args.isGiven("lr") { p.optimizer.learningRate = try positiveNumber(args, "lr") }
            if args.isGiven("batch") { p.batchSize = try ModelBuiltins.positive(args, "batch") }
            if args.isGiven("weight") { p.distillWeight = try nonNegative(args, "weight") }
            if args.isGiven("step_weight") { p.stepWeight = try nonNegative(args, "step_weight") }
            if args.isGiven("step_align") {
                let choices = "\"chunks\" or \"next\""
                guard case .string(let name) = args["step_align"] else { throw args.typeError("step_align", expected: choices) }
                guard let alignment = StepAlignment(rawValue: name) else {
                    throw args.valueError("step_align", "must be \(choices), got \"\(name)\"")
                }
                p.stepAlignment = alignment
            }
            let length = try RunLength(args, data: data)
            (p.maximumSteps, p.timeBudget, p.optimizer.warmupSteps, p.seed) = (length.maximumSteps, length.timeBudget, length.warmupSteps, length.seed)
            let latent = try EngineErrors.run("distill", "model") { try model.latentModel(seed: length.seed) }
            let parameters = p
            var shown = settings(args)
            shown["lr"] = .number(p.optimizer.learningRate)
            shown["batch"] = .int(p.batchSize)
            shown["weight"] = .number(p.distillWeight)
            shown["step_weight"] = .number(p.stepWeight)
            shown["step_align"] = .string(p.stepAlignment.rawValue)
            if p.curriculum > 0 { shown["curriculum"] = .number(p.curriculum) }
            var driver = TrainingDriver(kind: "distill", model: model, settings: shown, context: context)
            driver.timeBudget = parameters.timeBudget
            return try driver.run { onEvent in
                try DistillationTrainer.train(model: latent, tokenizer: model.tokenizer, data: data.dataset,
                                              parameters: parameters, onEvent: onEvent)
            }
        }
    }

    /// The labels every trainer shares — `max_steps`, `seconds`, `warmup`, `seed` — checked once,
    /// together with a non-empty `data`.
    struct RunLength {
        var maximumSteps: Int?
        var timeBudget: Double?
        var warmupSteps: Int
        var seed: UInt64

        init(_ args: Arguments, data: DatasetObject) throws {
            if let steps = try args.optionalInt("max_steps") {
                guard steps >= 1 else { throw args.valueError("max_steps", "must be at least 1 (or nil for no cap), got \(steps)") }
                maximumSteps = steps
            }
            if !args["seconds"].isNull { timeBudget = try positiveNumber(args, "seconds") }
            warmupSteps = try args.int("warmup")
            guard warmupSteps >= 0 else { throw args.valueError("warmup", "must be 0 or more, got \(warmupSteps)") }
            let seed = try args.int("seed")
            guard seed >= 0 else { throw args.valueError("seed", "must be 0 or more, got \(seed)") }
            self.seed = UInt64(seed)
            guard !data.dataset.isEmpty else { throw args.valueError("data", "is empty; pass a dataset with at least one example") }
        }
    }

    /// A finite number above zero.
    static func positiveNumber(_ args: Arguments, _ name: String) throws -> Double {
        let x = try args.number(name)
        guard x.isFinite, x > 0 else { throw args.valueError(name, "must be a positive number, got \(Markup.number(x))") }
        return x
    }

    /// The settings a run shows: every parameter but the model and the data, as passed (the
    /// builtins with a recipe then set its values as used).
    static func settings(_ args: Arguments) -> Record {
        Record(zip(args.names, args.values).filter { !["model", "data"].contains($0.0) && !$0.1.isNull }.map { ($0.0, $0.1) })
    }
}

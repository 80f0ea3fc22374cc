// The `rl` builtin: GRPO on the stop decisions and answer tokens of a latent model (issue 9).

import Datasets
import Lang
import Models
import Training

extension TrainingBuiltins {
    static var rl: Builtin {
        let adaptive = GRPORecipe.adaptive.parameters
        return Builtin(
            name: "rl",
            parameters: [.init("model"), .init("data"), .init("recipe", default: .string(GRPORecipe.default.rawValue)),
                         .init("max_steps", default: 100), .init("prompts", default: 8),
                         .init("group", default: 16), .init("lr", default: 1e-5), .init("kl", default: 1e-3),
                         .init("penalty", default: .number(adaptive.reward.penalty)), .init("bonus", default: 0.1),
                         .init("cutoff", default: .number(adaptive.reward.cutoff)), .init("max_new", default: 40),
                         .init("validate", default: .null), .init("validate_every", default: 25), .init("select", default: "accuracy"),
                         .init("head_temp", default: .number(adaptive.sampling.headTemperature)),
                         .init("head_lr", default: .number(adaptive.headLearningRateFactor)), .init("seconds", default: .null),
                         .init("warmup", default: 10), .init("seed", default: 0)],
            summary: "GRPO on the stop decisions and answer tokens of a distilled latent model, in place: per step `prompts` "
                + "questions × `group` completions, reward +1 correct, −1 malformed, and on correct samples a length term "
                + "(−`penalty` in groups whose share of correct samples reaches `cutoff`, +`bonus` in the others), a KL term "
                + "`kl` to the starting model. "
                + "`head_temp` divides the stop head's logits when sampling and `head_lr` multiplies its learning rate; "
                + "greedy validation every `validate_every` steps on `validate` (default: the last 10 % of `data`, at most "
                + "200; false: none) keeps the best weights, by accuracy or, with `select: \"shortest\"`, the shortest within "
                + "one standard error of the start. "
                + "`recipe` sets `penalty`, `cutoff`, `head_temp` and `head_lr`, an argument given overriding it: "
                + GRPORecipe.allCases.map { "\"\($0.rawValue)\" (\($0.figure))" }.joined(separator: ", ")
                + "; it returns a run.",
            signature: "rl(model, data, recipe: \"adaptive\", max_steps: 100, prompts: 8, group: 16, lr: 1e-5, kl: 1e-3, "
                + "penalty: 0.5, bonus: 0.1, cutoff: 0, max_new: 40, validate: nil, validate_every: 25, select: \"accuracy\", "
                + "head_temp: 8, head_lr: 100, seconds: nil, warmup: 10, seed: 0)",
            example: "r = rl(m, arith(n: 3000, seed: 2), max_steps: 300)",
            category: category, link: "docs/method.md", renamedLabels: renamed
        ) { args, context in
            let model = try ModelBuiltins.model(args)
            let data = try DataBuiltins.dataset(args, "data")
            guard let latent = model.latent else {
                throw args.valueError("model", "has no latent reasoning yet: train it with distill first (or load a model saved after distill)")
            }
            let parameters = try rlParameters(args, data: data)
            var shown = settings(args)
            shown["penalty"] = .number(parameters.reward.penalty)
            shown["cutoff"] = .number(parameters.reward.cutoff)
            shown["head_temp"] = .number(parameters.sampling.headTemperature)
            shown["head_lr"] = .number(parameters.headLearningRateFactor)
            var driver = TrainingDriver(kind: "rl", model: model, settings: shown, context: context)
            driver.timeBudget = parameters.timeBudget
            return try driver.run { onEvent in
                // A GRPO step takes seconds: the interrupt is also checked inside it (the step in
                // progress is abandoned), so Ctrl-C ends the cell within about a second.
                try GRPOTrainer.train(model: latent, tokenizer: model.tokenizer, data: data.dataset,
                                      parameters: parameters, onEvent: onEvent,
                                      shouldStop: { context.interruption.isRequested })
            }
        }
    }

    /// The trainer's parameters from the call's labels, each checked with a message naming it.
    static func rlParameters(_ args: Arguments, data: DatasetObject) throws -> GRPOTrainer.Parameters {
        let name = try args.string("recipe")
        guard let recipe = GRPORecipe(rawValue: name) else {
            throw args.valueError("recipe", "must be " + GRPORecipe.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
                + ", got \"\(name)\"")
        }
        var p = recipe.parameters
        let length = try RunLength(args, data: data)
        (p.timeBudget, p.optimizer.warmupSteps, p.seed) = (length.timeBudget, length.warmupSteps, length.seed)
        p.maximumSteps = length.maximumSteps
        if length.maximumSteps == nil, length.timeBudget == nil {
            throw args.valueError("max_steps", "is nil and no 'seconds' is given: rl needs a step count or a time budget")
        }
        p.prompts = try ModelBuiltins.positive(args, "prompts")
        p.group = try ModelBuiltins.positive(args, "group")
        guard p.group >= 2 else { throw args.valueError("group", "must be at least 2 (advantages compare the samples of one prompt), got \(p.group)") }
        p.optimizer.learningRate = try positiveNumber(args, "lr")
        p.beta = try nonNegative(args, "kl")
        if args.isGiven("penalty") { p.reward.penalty = try nonNegative(args, "penalty") }
        p.reward.bonus = try nonNegative(args, "bonus")
        if args.isGiven("cutoff") {
            p.reward.cutoff = try args.number("cutoff")
            guard (0...1).contains(p.reward.cutoff) else {
                throw args.valueError("cutoff", "must be a share of correct samples from 0 to 1, got \(Markup.number(p.reward.cutoff))")
            }
        }
        p.sampling.maximumAnswerTokens = try ModelBuiltins.positive(args, "max_new")
        if args.isGiven("head_temp") { p.sampling.headTemperature = try positiveNumber(args, "head_temp") }
        if args.isGiven("head_lr") { p.headLearningRateFactor = try nonNegative(args, "head_lr") }
        p.validateEvery = try ModelBuiltins.positive(args, "validate_every")
        let rule = try args.string("select")
        guard let selection = GRPOTrainer.Selection(rawValue: rule) else {
            throw args.valueError("select", "must be \"accuracy\" or \"shortest\", got \"\(rule)\"")
        }
        p.selection = selection
        switch args["validate"] {
        case .null:
            guard data.dataset.count >= 2 else {
                throw args.valueError("data", "has \(data.dataset.count) example; rl holds out part of it for validation and needs at least 2 (or pass validate: false)")
            }
            p.validation = .heldOut
        case .bool(false): p.validation = .none
        case .object(let o as DatasetObject):
            guard !o.dataset.isEmpty else { throw args.valueError("validate", "is an empty dataset") }
            p.validation = .data(o.dataset)
        default: throw args.typeError("validate", expected: "a dataset, nil (hold out part of data) or false (no validation)")
        }
        return p
    }

    /// A finite number of at least zero.
    static func nonNegative(_ args: Arguments, _ name: String) throws -> Double {
        let x = try args.number(name)
        guard x.isFinite, x >= 0 else { throw args.valueError(name, "must be 0 or more, got \(Markup.number(x))") }
        return x
    }
}

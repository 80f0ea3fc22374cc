// The `rl` builtin: GRPO on the stop decisions and answer tokens of a latent model (issue 9).

import Datasets
import Lang
import Models
import Training

extension TrainingBuiltins {
    static var rl: Builtin {
        Builtin(
            name: "rl",
            parameters: [.init("model"), .init("data"), .init("steps", default: 100), .init("prompts", default: 8),
                         .init("group", default: 16), .init("lr", default: 1e-5), .init("kl", default: 1e-3),
                         .init("penalty", default: 1e-4), .init("bonus", default: 0.1), .init("cutoff", default: 1.0),
                         .init("epsilon", default: 1e-4), .init("max_new", default: 40), .init("validate", default: .null),
                         .init("validate_every", default: 25), .init("select", default: "accuracy"), .init("head_temp", default: 1),
                         .init("head_lr", default: 1), .init("seconds", default: .null),
                         .init("warmup", default: 10), .init("seed", default: 0)],
            summary: "GRPO on the stop decisions and answer tokens of a latent model, in place (the paper's stage 2): per step "
                + "`prompts` questions × `group` completions sampled at temperature 1 (`head_temp` divides the two stop-head "
                + "logits: above 1 explores lengths; `head_lr` multiplies the learning rate of the two stop-head rows), `max_new` "
                + "answer tokens at most and 16 latent steps. Reward −1 malformed, "
                + "+1 correct, and on correct samples a length term: −`penalty`·(L − mean)/range in groups whose share of correct "
                + "samples reaches `cutoff`, +`bonus`·(L − mean)/range in the others (L = latent steps + 2). Advantages "
                + "(r − mean)/(std + `epsilon`), k3 KL to the starting model times `kl`, AdamW with warm-up and cosine. "
                + "Greedy validation every `validate_every` steps on `validate` (a dataset; by default the last 10 % of `data`, "
                + "at most 200, held out of the prompts; false: none); the best validated weights are restored at the end: "
                + "select: \"accuracy\" keeps the most accurate (ties: shorter), \"shortest\" the shortest whose accuracy is at "
                + "least the starting model's minus one standard error √(p(1−p)/n) (metric selection_floor). Metrics: reward, "
                + "accuracy, length, kl, stop_entropy, val_accuracy, val_length, best_step. The model needs latent reasoning (distill first). Returns a run.",
            signature: "rl(model, data, steps: 100, prompts: 8, group: 16, lr: 1e-5, kl: 1e-3, penalty: 1e-4, bonus: 0.1, "
                + "cutoff: 1.0, epsilon: 1e-4, max_new: 40, validate: nil, validate_every: 25, select: \"accuracy\", head_temp: 1, "
                + "head_lr: 1, seconds: nil, warmup: 10, seed: 0)",
            example: "r = rl(m, arith(n: 3000, seed: 2), steps: 300)",
            category: category
        ) { args, context in
            let model = try ModelBuiltins.model(args)
            let data = try DataBuiltins.dataset(args, "data")
            guard let latent = model.latent else {
                throw args.valueError("model", "has no latent reasoning yet: train it with distill first (or load a model saved after distill)")
            }
            let parameters = try rlParameters(args, data: data)
            var driver = TrainingDriver(kind: "rl", model: model, settings: settings(args), context: context)
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
        var p = GRPOTrainer.Parameters()
        let length = try RunLength(args, data: data)
        (p.timeBudget, p.warmupSteps, p.seed) = (length.timeBudget, length.warmupSteps, length.seed)
        switch (length.maximumSteps, length.timeBudget) {
        case (let steps?, _): p.steps = steps
        case (nil, .some): p.steps = Int(Int32.max)
        case (nil, nil): throw args.valueError("steps", "is nil and no 'seconds' is given: rl needs a step count or a time budget")
        }
        p.prompts = try ModelBuiltins.positive(args, "prompts")
        p.group = try ModelBuiltins.positive(args, "group")
        guard p.group >= 2 else { throw args.valueError("group", "must be at least 2 (advantages compare the samples of one prompt), got \(p.group)") }
        p.learningRate = try positiveNumber(args, "lr")
        p.beta = try nonNegative(args, "kl")
        p.reward.penalty = try nonNegative(args, "penalty")
        p.reward.bonus = try nonNegative(args, "bonus")
        p.reward.cutoff = try args.number("cutoff")
        guard (0...1).contains(p.reward.cutoff) else {
            throw args.valueError("cutoff", "must be a share of correct samples from 0 to 1, got \(Markup.number(p.reward.cutoff))")
        }
        p.epsilon = try nonNegative(args, "epsilon")
        p.sampling.maximumAnswerTokens = try ModelBuiltins.positive(args, "max_new")
        p.sampling.headTemperature = try positiveNumber(args, "head_temp")
        p.headLearningRateFactor = try nonNegative(args, "head_lr")
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

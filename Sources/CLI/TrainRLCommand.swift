// `latent train rl`: GRPO on a saved latent model for a number of steps or minutes (issue 9's
// long runs, outside a notebook), with greedy evaluation before and after on a test set.

import ArgumentParser
import Datasets
import Foundation
import ModelFiles
import Models
import TensorCore
import Training

/// `latent train rl --from DIR`: loads a latent checkpoint (made with `distill`), runs GRPO on
/// RL prompts (a file or freshly generated problems), evaluates adaptive greedy inference on a
/// test set before and after, optionally saves the result, and prints one JSON line.
struct TrainRLCommand: ParsableCommand {
    static let configuration = RunOptions.command(
        "rl", abstract: "GRPO (recipes as the language's rl) on the stop head and answer tokens of a latent checkpoint, then greedy evaluation.",
        recipes: GRPORecipe.allCases.map { ($0.rawValue, $0.summary) })

    @Option(help: "Latent checkpoint directory (saved after distill).") var from: String
    @Option(help: "RL prompts file (GSM8K-Aug JSON/JSONL or implicit-CoT text); default: generated problems.") var data: String?
    @Option(help: "Generated RL prompts: how many, and the generator seed (unused by the SFT stages).") var n = 3000
    @Option var dataSeed = 2
    @Option(help: "Test file; default: the held-out 10 % of arith(20000, seed 1) split with seed 0, as `latent train sft`.") var test: String?
    @Option(help: "Evaluate at most this many test problems.") var evalLimit: Int?
    @OptionGroup var common: RunOptions
    @Option(help: "The recipe: \(GRPORecipe.allCases.map(\.rawValue).joined(separator: ", ")).") var recipe: GRPORecipe = .default
    @Option var prompts = 8
    @Option var group = 16
    @Option var lr = 1e-5
    @Option(help: "KL coefficient β.") var kl = 1e-3
    @Option(help: "Length penalty (default: the recipe's).") var penalty: Double?
    @Option var bonus = 0.1
    @Option(help: "Share of correct samples from which the penalty applies (default: the recipe's).") var cutoff: Double?
    @Option(help: "Answer-token cap per completion.") var maxNew = 40
    @Option(help: "Stop-head temperature (default: the recipe's).") var headTemp: Double?
    @Option(help: "Learning rate of the stop-head rows as a multiple of --lr (default: the recipe's).") var headLr: Double?
    @Option var validateEvery = 25
    @Option(help: "Which validated weights to keep: accuracy (the most accurate) or shortest (the shortest within one standard error of the starting accuracy).")
    var select: GRPOTrainer.Selection = .accuracy

    func validate() throws {
        guard n > 1 else { throw ValidationError("--n must be at least 2") }
        if let cutoff, !(0...1).contains(cutoff) { throw ValidationError("--cutoff must lie in 0…1") }
    }

    /// The recipe's parameters with the options given applied.
    func parameters() -> GRPOTrainer.Parameters {
        var p = recipe.parameters
        // Without a step cap the clock is the end.
        (p.maximumSteps, p.timeBudget) = (common.maxSteps ?? (common.minutes == nil ? 100 : nil), common.timeBudget)
        (p.prompts, p.group, p.optimizer.learningRate, p.beta, p.reward.bonus) = (prompts, group, lr, kl, bonus)
        if let penalty { p.reward.penalty = penalty }
        if let cutoff { p.reward.cutoff = cutoff }
        if let headTemp { p.sampling.headTemperature = headTemp }
        if let headLr { p.headLearningRateFactor = headLr }
        if let warmup = common.warmup { p.optimizer.warmupSteps = warmup }
        (p.validateEvery, p.seed, p.selection) = (validateEvery, UInt64(common.seed), select)
        p.sampling.maximumAnswerTokens = maxNew
        return p
    }

    func run() throws {
        Engine.setThreads(common.threads)
        let (model, tokenizer) = try LatentModel.load(from: URL(fileURLWithPath: from))
        let prompts = try data.map { try Dataset.load(path: $0).dataset } ?? Dataset.arith(n: n, steps: 1...4, seed: dataSeed)
        let fullTest = try test.map { try Dataset.load(path: $0).dataset }
            ?? Dataset.arith(n: 20_000, steps: 1...4, seed: 1).split(fraction: 0.9, seed: 0).test
        let testSet = try evalLimit.map { try fullTest.take($0) } ?? fullTest
        let p = parameters()
        let before = try evaluate(model, tokenizer, testSet)
        let (result, interrupted) = try common.train(line: { s in
            let m = s.metrics
            return String(format: "step %d  reward %.3f  acc %.3f  len %.2f  kl %.4f  H %.3f  lr %.2e  %.0f s",
                          s.step, m["reward"] ?? 0, m["accuracy"] ?? 0, m["length"] ?? 0, m["kl"] ?? 0,
                          m["stop_entropy"] ?? 0, s.learningRate, s.elapsed)
        }, { onEvent in
            try GRPOTrainer.train(model: model, tokenizer: tokenizer, data: prompts, parameters: p, onEvent: onEvent)
        }, save: { try model.save(to: $0, tokenizer: tokenizer) })
        let after = try evaluate(model, tokenizer, testSet)
        var summary: [String: Any] = [
            "from": from, "rl_prompts": prompts.count, "test_examples": testSet.count, "steps": result.steps,
            "train_seconds": result.seconds, "before": before, "after": after, "interrupted": interrupted,
            "recipe": recipe.rawValue,
            "settings": ["prompts": self.prompts, "group": group, "lr": lr, "kl": kl, "penalty": p.reward.penalty, "bonus": bonus,
                         "cutoff": p.reward.cutoff, "max_new": maxNew, "head_temp": p.sampling.headTemperature,
                         "head_lr": p.headLearningRateFactor, "select": select.rawValue],
        ]
        for key in ["best_step", "best_accuracy", "best_length", "selection_floor", "validation_examples"] {
            if let v = result.metrics[key]?.first { summary[key] = v }
        }
        if let steps = result.metrics["val_step"], let accuracy = result.metrics["val_accuracy"], let length = result.metrics["val_length"] {
            summary["validations"] = zip(steps, zip(accuracy, length)).map { ["step": Int($0), "accuracy": $1.0, "length": $1.1] }
        }
        for key in ["reward", "accuracy", "length", "kl", "stop_entropy"] {
            if let v = result.metrics[key]?.last { summary["last_" + key] = v }
        }
        for key in ["sample_seconds", "update_seconds"] {
            if let v = result.metrics[key], !v.isEmpty { summary["mean_" + key] = v.reduce(0, +) / Double(v.count) }
        }
        try printJSON(summary)
    }

    /// Accuracy, mean length and the by-steps table of adaptive greedy latent inference.
    func evaluate(_ model: LatentModel, _ tokenizer: Tokenizer, _ data: Dataset) throws -> [String: Any] {
        let e = try LatentEvaluator.evaluate(model: model, tokenizer: tokenizer, data: data, batchSize: 128)
        let latent = Dictionary(uniqueKeysWithValues: e.meanLatentStepsBySteps.map { ($0.steps, $0.mean) })
        return [
            "accuracy": e.result.accuracy, "mean_length": e.result.meanLength, "seconds": e.result.seconds,
            "by_steps": e.result.bySteps.map {
                ["steps": $0.steps, "count": $0.count, "accuracy": $0.accuracy, "mean_length": $0.meanLength,
                 "mean_latent_steps": latent[$0.steps] ?? 0]
            },
        ]
    }
}

extension GRPOTrainer.Selection: ExpressibleByArgument {}
extension GRPORecipe: ExpressibleByArgument {}

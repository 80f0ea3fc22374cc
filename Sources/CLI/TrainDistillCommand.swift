// `latent train distill`: the language's `distill` from the command line, with the same recipes
// and defaults, on generated arithmetic problems, then adaptive greedy evaluation.

import ArgumentParser
import Datasets
import Foundation
import ModelFiles
import Models
import TensorCore
import Training

/// `latent train distill --from DIR`: loads a CoT model (saved by `train sft --save`, or a latent
/// model to train further), distils latent reasoning into it on the training part of the
/// generated problems, evaluates adaptive greedy latent inference on the held-out part, optionally
/// saves the result, and prints one JSON line.
struct TrainDistillCommand: ParsableCommand {
    static let configuration = RunOptions.command(
        "distill", abstract: "Latent distillation (recipes as the language's distill) of a CoT checkpoint, then greedy evaluation.",
        recipes: DistillationRecipe.allCases.map { ($0.rawValue, $0.summary) })

    @Option(help: "Checkpoint directory of the CoT model (train sft --save), or of a latent model.") var from: String
    @OptionGroup var problems: ArithmeticOptions
    @OptionGroup var common: RunOptions
    @Flag(help: "Train on the problems with each step written as its result only (the language's results_only).")
    var resultsOnly = false
    @Option(help: "The recipe: \(DistillationRecipe.allCases.map(\.rawValue).joined(separator: ", ")).")
    var recipe: DistillationRecipe = .default
    @Option(help: "Latent steps per example: a number, or by-step (steps + 5, capped at 10).") var latent = "6"
    @Option(help: "Passes over the training data (default: 1; no limit with --minutes).") var epochs: Double?
    @Option(help: "Peak learning rate (default: the recipe's).") var lr: Double?
    @Option(help: "Sequences per step (default: the recipe's).") var batch: Int?
    @Option(help: "Weight of the hidden-state distillation term (default: the recipe's).") var weight: Double?
    @Option(help: "Weight of step supervision (default: the recipe's).") var stepWeight: Double?
    @Option(help: "Step supervision's placement: chunks or next (default: the recipe's).") var stepAlign: StepAlignment?

    func validate() throws {
        guard latent == "by-step" || Int(latent).map({ (0...64).contains($0) }) == true else {
            throw ValidationError("--latent must be 0 to 64 or by-step, got \(latent)")
        }
        if let epochs, !(epochs > 0 && epochs.isFinite) { throw ValidationError("--epochs must be a positive number") }
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be positive") }
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1") }
        if let weight, !(weight >= 0 && weight.isFinite) { throw ValidationError("--weight must be 0 or more") }
        if let stepWeight, !(stepWeight >= 0 && stepWeight.isFinite) { throw ValidationError("--step-weight must be 0 or more") }
    }

    /// The recipe's parameters with the options given applied.
    func parameters() -> DistillationTrainer.Parameters {
        var p = recipe.parameters
        p.latent = latent == "by-step" ? .byStep : .fixed(Int(latent)!)
        p.epochs = epochs ?? (common.minutes == nil ? 1 : 1_000_000)
        (p.maximumSteps, p.timeBudget, p.seed) = (common.maxSteps, common.timeBudget, UInt64(common.seed))
        if let warmup = common.warmup { p.optimizer.warmupSteps = warmup }
        if let lr { p.optimizer.learningRate = lr }
        if let batch { p.batchSize = batch }
        if let weight { p.distillWeight = weight }
        if let stepWeight { p.stepWeight = stepWeight }
        if let stepAlign { p.stepAlignment = stepAlign }
        return p
    }

    func run() throws {
        Engine.setThreads(common.threads)
        let loaded = try Checkpoint.load(from: URL(fileURLWithPath: from))
        let tokenizer = loaded.tokenizer
        let model = try (try? LatentModel(loaded: loaded))
            ?? LatentModel(teacher: loaded.model, tokenizer: tokenizer, seed: UInt64(common.seed), embeddingScale: true)
        var data = try problems.problems()
        if resultsOnly { data = (try data.all.resultsOnly(), try data.train.resultsOnly(), try data.test.resultsOnly()) }
        let p = parameters()
        let (result, interrupted) = try common.train({ onEvent in
            try DistillationTrainer.train(model: model, tokenizer: tokenizer, data: data.train, parameters: p, onEvent: onEvent)
        }, save: { try model.save(to: $0, tokenizer: tokenizer) })
        let evaluation = try LatentEvaluator.evaluate(model: model, tokenizer: tokenizer, data: data.test, batchSize: 128)
        try printJSON([
            "from": from, "recipe": recipe.rawValue, "train_examples": data.train.count, "steps": result.steps,
            "train_seconds": result.seconds, "final_loss": result.losses.last ?? .nan, "interrupted": interrupted,
            "notes": result.notes, "test_examples": data.test.count, "accuracy": evaluation.result.accuracy,
            "mean_length": evaluation.result.meanLength, "eval_seconds": evaluation.result.seconds,
            "settings": ["latent": latent, "lr": p.optimizer.learningRate, "batch": p.batchSize, "weight": p.distillWeight,
                         "step_weight": p.stepWeight, "step_align": p.stepAlignment.rawValue, "curriculum": p.curriculum,
                         "warmup": p.optimizer.warmupSteps, "seed": common.seed],
            "by_steps": evaluation.result.bySteps.map {
                ["steps": $0.steps, "count": $0.count, "accuracy": $0.accuracy, "mean_length": $0.meanLength]
            },
        ])
    }
}

extension DistillationRecipe: ExpressibleByArgument {}
extension StepAlignment: ExpressibleByArgument {}

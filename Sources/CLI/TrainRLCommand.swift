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
    static let configuration = CommandConfiguration(
        commandName: "rl",
        abstract: "GRPO on the stop head and answer tokens of a latent checkpoint, then greedy evaluation.",
        discussion: """
            Ctrl-C stops training after the current optimizer step; the model is then saved \
            (--save) and evaluated as usual, and the summary says "interrupted": true. A second \
            Ctrl-C quits at once (status 130), after the checkpoint if one is being written.
            """)

    @Option(help: "Latent checkpoint directory (saved after distill).") var from: String
    @Option(help: "RL prompts file (GSM8K-Aug JSON/JSONL or implicit-CoT text); default: generated problems.") var data: String?
    @Option(help: "Generated RL prompts: how many, and the generator seed (unused by the SFT stages).") var n = 3000
    @Option var dataSeed = 2
    @Option(help: "Test file; default: the held-out 10 % of arith(20000, seed 1) split with seed 0, as `latent train sft`.") var test: String?
    @Option(help: "Evaluate at most this many test problems.") var evalLimit: Int?
    @Option(help: "Optimizer steps (the end unless --minutes ends first).") var steps = 100_000
    @Option(help: "Training minutes (time-based cosine schedule).") var minutes: Double?
    @Option var prompts = 8
    @Option var group = 16
    @Option var lr = 1e-5
    @Option(help: "KL coefficient β.") var kl = 1e-3
    @Option var penalty = 1e-4
    @Option var bonus = 0.1
    @Option var cutoff = 1.0
    @Option var epsilon = 1e-4
    @Option(help: "Answer-token cap per completion.") var maxNew = 40
    @Option(help: "Stop-head temperature (1 = the paper).") var headTemp = 1.0
    @Option(help: "Learning rate of the stop-head rows as a multiple of --lr.") var headLr = 1.0
    @Option var validateEvery = 25
    @Option(help: "Which validated weights to keep: accuracy (the most accurate) or shortest (the shortest within one standard error of the starting accuracy).")
    var select: GRPOTrainer.Selection = .accuracy
    @Option var warmup = 10
    @Option var seed = 0
    @Option(help: "Threads for OpenBLAS and the engine's kernels.") var threads = 2
    @Option(help: "Write the trained model to this directory.") var save: String?
    @Option(help: "Print a progress line every this many steps (to standard error).") var every = 10

    func validate() throws {
        if let minutes, !(minutes > 0) { throw ValidationError("--minutes must be positive") }
        guard steps > 0, n > 1 else { throw ValidationError("--steps must be positive and --n at least 2") }
    }

    func run() throws {
        Engine.setThreads(threads)
        let (model, tokenizer) = try LatentModel.load(from: URL(fileURLWithPath: from))
        let prompts = try data.map { try Dataset.load(path: $0).dataset } ?? Dataset.arith(n: n, steps: 1...4, seed: dataSeed)
        let fullTest = try test.map { try Dataset.load(path: $0).dataset }
            ?? Dataset.arith(n: 20_000, steps: 1...4, seed: 1).split(fraction: 0.9, seed: 0).test
        let testSet = try evalLimit.map { try fullTest.take($0) } ?? fullTest
        var p = GRPOTrainer.Parameters()
        (p.steps, p.timeBudget, p.prompts, p.group, p.learningRate, p.beta) = (steps, minutes.map { $0 * 60 }, self.prompts, group, lr, kl)
        p.reward = GRPOReward.Settings(penalty: penalty, bonus: bonus, cutoff: cutoff)
        (p.epsilon, p.validateEvery, p.warmupSteps, p.seed) = (epsilon, validateEvery, warmup, UInt64(max(0, seed)))
        p.sampling.maximumAnswerTokens = maxNew
        p.sampling.headTemperature = headTemp
        p.headLearningRateFactor = headLr
        p.selection = select
        let before = try evaluate(model, tokenizer, testSet)
        let every = max(1, self.every)
        let interrupt = TrainingInterrupt()
        let run = try GRPOTrainer.train(model: model, tokenizer: tokenizer, data: prompts, parameters: p) { event in
            if case .step(let s) = event, s.step % every == 0 {
                let m = s.metrics
                let line = String(format: "step %d  reward %.3f  acc %.3f  len %.2f  kl %.4f  H %.3f  lr %.2e  %.0f s\n",
                                  s.step, m["reward"] ?? 0, m["accuracy"] ?? 0, m["length"] ?? 0, m["kl"] ?? 0,
                                  m["stop_entropy"] ?? 0, s.learningRate, s.elapsed)
                FileHandle.standardError.write(Data(line.utf8))
            }
            return interrupt.control()
        }
        try interrupt.trainingEnded {
            if let save { try model.save(to: URL(fileURLWithPath: save), tokenizer: tokenizer) }
        }
        let after = try evaluate(model, tokenizer, testSet)
        var summary: [String: Any] = [
            "from": from, "rl_prompts": prompts.count, "test_examples": testSet.count, "steps": run.steps,
            "train_seconds": run.seconds, "before": before, "after": after, "interrupted": interrupt.requested,
            "settings": ["prompts": self.prompts, "group": group, "lr": lr, "kl": kl, "penalty": penalty, "bonus": bonus,
                         "cutoff": cutoff, "epsilon": epsilon, "max_new": maxNew, "head_temp": headTemp, "head_lr": headLr, "select": select.rawValue],
        ]
        for key in ["best_step", "best_accuracy", "best_length", "selection_floor", "validation_examples"] {
            if let v = run.metrics[key]?.first { summary[key] = v }
        }
        if let steps = run.metrics["val_step"], let accuracy = run.metrics["val_accuracy"], let length = run.metrics["val_length"] {
            summary["validations"] = zip(steps, zip(accuracy, length)).map { ["step": Int($0), "accuracy": $1.0, "length": $1.1] }
        }
        for key in ["reward", "accuracy", "length", "kl", "stop_entropy"] {
            if let v = run.metrics[key]?.last { summary["last_" + key] = v }
        }
        for key in ["sample_seconds", "update_seconds"] {
            if let v = run.metrics[key], !v.isEmpty { summary["mean_" + key] = v.reduce(0, +) / Double(v.count) }
        }
        let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
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

// `latent train`: supervised fine-tuning from the command line (the calibration experiment),
// `latent train rl` (GRPO, TrainRLCommand.swift), and `latent train logits`, which writes a
// checkpoint's logits for tools/hf_parity.py.

import ArgumentParser
import Datasets
import Foundation
import ModelFiles
import Models
import TensorCore
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train and inspect models outside the language.",
        subcommands: [TrainSFTCommand.self, TrainRLCommand.self, TrainLogitsCommand.self])
}

/// `latent train sft`: generate arithmetic problems, split them, train CoT or No-CoT SFT for
/// a number of epochs or minutes, evaluate greedily on the held-out part, print a JSON summary.
struct TrainSFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sft",
        abstract: "CoT / No-CoT SFT on generated arithmetic problems, then greedy evaluation.",
        discussion: """
            Ctrl-C stops training after the current optimizer step; the model is then saved \
            (--save) and evaluated as usual, and the summary says "interrupted": true. A second \
            Ctrl-C quits at once (status 130), after the checkpoint if one is being written.
            """)

    @Option(help: "Number of problems to generate.") var n = 20_000
    @Option(help: "Smallest and largest number of steps, as 1...4.") var steps = "1...4"
    @Option(help: "Generator seed.") var seed = 1
    @Option(help: "Fraction used for training (the rest is evaluated).") var split = 0.9
    @Option(help: "cot or nocot.") var mode = "cot"
    @Option(help: "Training minutes (time-based cosine schedule); the end, unless --epochs or --max-steps come first.") var minutes: Double?
    @Option(help: "Passes over the training data (default: 20; no limit with --minutes).") var epochs: Double?
    @Option(help: "Stop after this many optimizer steps (the cosine schedule then ends there).") var maxSteps: Int?
    @Option(help: "Sequences per step.") var batch = 64
    @Option(help: "Peak learning rate.") var lr = 1e-3
    @Option(help: "Warm-up steps.") var warmup = 100
    @Option(help: "Model width, blocks and heads.") var dim = 128
    @Option var layers = 4
    @Option var heads = 4
    @Option(help: "Longest run of digits read as one token: 1 (one token per digit) or up to 3 (0…999 as one token, as Llama 3).") var numberDigits = 1
    @Flag(help: "Read every number least significant digit first (729 as the tokens 9 2 7; decoding turns it back).") var reversedNumbers = false
    @Option(help: "Threads for OpenBLAS and the engine's kernels.") var threads = 2
    @Option(help: "Evaluate at most this many held-out problems (default: all).") var evalLimit: Int?
    @Option(help: "Write the trained model to this directory.") var save: String?
    @Option(help: "Print a progress line every this many steps (to standard error).") var every = 100

    func validate() throws {
        guard ["cot", "nocot"].contains(mode) else { throw ValidationError("--mode must be cot or nocot, got \(mode)") }
        guard parseSteps() != nil else { throw ValidationError("--steps must look like 1...4, got \(steps)") }
        if let minutes, !(minutes > 0) { throw ValidationError("--minutes must be positive") }
        if let epochs, !(epochs > 0 && epochs.isFinite) { throw ValidationError("--epochs must be a positive number") }
        if let maxSteps, maxSteps <= 0 { throw ValidationError("--max-steps must be positive") }
        guard split > 0, split < 1 else { throw ValidationError("--split must lie between 0 and 1") }
        guard (1...Tokenizer.maximumNumberDigits).contains(numberDigits) else {
            throw ValidationError("--number-digits must be 1 to \(Tokenizer.maximumNumberDigits), got \(numberDigits)")
        }
    }

    func parseSteps() -> ClosedRange<Int>? {
        let parts = steps.components(separatedBy: "...").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 1, parts[0] <= parts[1] else { return nil }
        return parts[0]...parts[1]
    }

    func run() throws {
        Engine.setThreads(threads)
        let data = try Dataset.arith(n: n, steps: parseSteps()!, seed: seed)
        let parts = try data.split(fraction: split, seed: 0)
        let tokenizer = Tokenizer(building: data, numberDigits: numberDigits, reversedNumbers: reversedNumbers)
        let configuration = LlamaConfiguration(
            vocabularySize: tokenizer.count, dimension: dim, layers: layers, heads: heads,
            bosTokenID: tokenizer.bosID, eosTokenID: tokenizer.eosID, padTokenID: tokenizer.padID)
        let model = try LlamaModel(configuration: configuration, seed: 0)
        var p = SFTTrainer.Parameters()
        // With a time budget the clock is the end: a fast machine must not stop at 20 epochs
        // with the cosine schedule half-way down (it did: 20 epochs in 10.3 of 15 minutes).
        p.epochs = epochs ?? (minutes == nil ? 20 : 1_000_000)
        p.maximumSteps = maxSteps
        p.timeBudget = minutes.map { $0 * 60 }
        p.batchSize = batch
        p.learningRate = lr
        p.warmupSteps = warmup
        p.chainOfThought = mode == "cot"
        let every = max(1, self.every)
        let interrupt = TrainingInterrupt()
        let run = try SFTTrainer.train(model: model, tokenizer: tokenizer, data: parts.train, parameters: p) { event in
            if case .step(let s) = event, s.step % every == 0 {
                let line = String(format: "step %d  epoch %d  loss %.4f  lr %.2e  %.0f tok/s  %.0f s\n",
                                  s.step, s.epoch, s.loss, s.learningRate, s.tokensPerSecond, s.elapsed)
                FileHandle.standardError.write(Data(line.utf8))
            }
            return interrupt.control()
        }
        try interrupt.trainingEnded {
            if let save { try Checkpoint.save(model, tokenizer: tokenizer, to: URL(fileURLWithPath: save)) }
        }
        let test = try evalLimit.map { try parts.test.take($0) } ?? parts.test
        let evaluation = try Evaluator.evaluate(
            model: model, tokenizer: tokenizer, data: test,
            mode: p.chainOfThought ? .chainOfThought : .noChainOfThought, batchSize: 128)
        let summary: [String: Any] = [
            "mode": mode, "params": model.parameterCount, "train_examples": parts.train.count,
            "steps": run.steps, "train_seconds": run.seconds, "final_loss": run.losses.last ?? .nan,
            "tokens_per_s": run.metrics["tokens_per_s"]?.last ?? 0,
            "epochs_seen": Double(run.steps * batch) / Double(parts.train.count),
            "test_examples": test.count, "accuracy": evaluation.accuracy, "interrupted": interrupt.requested,
            "mean_length": evaluation.meanLength, "eval_seconds": evaluation.seconds,
            "by_steps": evaluation.bySteps.map {
                ["steps": $0.steps, "count": $0.count, "accuracy": $0.accuracy, "mean_length": $0.meanLength]
            },
        ]
        let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}

/// `latent train logits`: the logits a checkpoint gives for some texts, written as
/// safetensors (`input_ids` as Float32 `[B, T]`, `logits` `[B, T, V]`) next to nothing else —
/// the input of tools/hf_parity.py.
struct TrainLogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits",
        abstract: "Write a checkpoint's logits for some texts (for tools/hf_parity.py).")

    @Option(help: "Checkpoint directory.") var checkpoint: String
    @Option(help: "Output .safetensors file.") var out: String
    @Option(help: "A text to encode (repeatable); each becomes <bos> + \"Question: \" + text.") var text: [String] = [
        "Mia has 72 points saved. She spends 38 points on lunch. How many points does Mia have left?",
        "Tom has 5 apples.",
    ]

    func run() throws {
        let loaded = try Checkpoint.load(from: URL(fileURLWithPath: checkpoint))
        let rows = text.map { loaded.tokenizer.prompt(question: $0, latent: false) }
        // Equal lengths keep the comparison free of padding conventions: cut to the shortest.
        let length = rows.map(\.count).min() ?? 0
        let cut = rows.map { Array($0.prefix(length)) }
        let batch = TokenBatch(rows: cut, padID: loaded.tokenizer.padID)
        let logits = try Autograd.withoutGrad { try loaded.model.forward(batch).logits }
        let ids = Tensor(batch.tokens.map(Float.init), shape: [cut.count, length])
        try SafeTensors.write(["input_ids": ids, "logits": logits], to: URL(fileURLWithPath: out))
    }
}

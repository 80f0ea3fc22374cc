// `latent train`: the trainers from the command line, mirroring the language's `sft`, `distill`
// (TrainDistillCommand.swift) and `rl` (TrainRLCommand.swift) with the same recipes and defaults,
// and `latent train logits`, which writes a checkpoint's logits for tools/hf_parity.py.

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
        subcommands: [TrainSFTCommand.self, TrainDistillCommand.self, TrainRLCommand.self, TrainLogitsCommand.self])
}

/// The generated arithmetic problems of `train sft` and `train distill`, split into training and
/// held-out test problems.
struct ArithmeticOptions: ParsableArguments {
    @Option(help: "Number of problems to generate.") var n = 20_000
    @Option(help: "Smallest and largest number of reasoning steps of a problem, as 1...4.") var steps = "1...4"
    @Option(help: "Generator seed.") var dataSeed = 1
    @Option(help: "Fraction used for training (the rest is evaluated).") var split = 0.9
    @Option(help: "Evaluate at most this many held-out problems (default: all).") var evalLimit: Int?

    func validate() throws {
        guard range != nil else { throw ValidationError("--steps must look like 1...4, got \(steps)") }
        guard split > 0, split < 1 else { throw ValidationError("--split must lie between 0 and 1") }
        if let evalLimit, evalLimit < 1 { throw ValidationError("--eval-limit must be at least 1") }
    }

    var range: ClosedRange<Int>? {
        let parts = steps.components(separatedBy: "...").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 1, parts[0] <= parts[1] else { return nil }
        return parts[0]...parts[1]
    }

    /// All problems and their split (seed 0).
    func problems() throws -> (all: Dataset, train: Dataset, test: Dataset) {
        let data = try Dataset.arith(n: n, steps: range!, seed: dataSeed)
        let parts = try data.split(fraction: split, seed: 0)
        return (data, parts.train, try evalLimit.map { try parts.test.take($0) } ?? parts.test)
    }
}

/// The options every training command shares: the budget, warm-up, seed, threads, progress and
/// where to save.
struct RunOptions: ParsableArguments {
    @Option(help: "Training minutes (time-based cosine schedule); the end, unless --epochs or --max-steps come first.") var minutes: Double?
    @Option(help: "Stop after this many optimizer steps (the cosine schedule then ends there).") var maxSteps: Int?
    @Option(help: "Warm-up steps.") var warmup: Int?
    @Option(help: "Seed of the run (batch order, initial filter, samples).") var seed = 0
    @Option(help: "Threads for OpenBLAS and the engine's kernels.") var threads = 2
    @Option(help: "Write the trained model to this directory.") var save: String?
    @Option(help: "Print a progress line every this many steps (to standard error).") var every = 100

    func validate() throws {
        if let minutes, !(minutes > 0) { throw ValidationError("--minutes must be positive") }
        if let maxSteps, maxSteps <= 0 { throw ValidationError("--max-steps must be positive") }
        if let warmup, warmup < 0 { throw ValidationError("--warmup must be 0 or more") }
        guard seed >= 0 else { throw ValidationError("--seed must be 0 or more") }
    }

    var timeBudget: Double? { minutes.map { $0 * 60 } }

    /// What every training command says about Ctrl-C.
    static let interruptHelp = """
        Ctrl-C stops training after the current optimizer step; the model is then saved (--save) and \
        evaluated as usual, and the summary says "interrupted": true. A second Ctrl-C quits at once \
        (status 130), after the checkpoint if one is being written.
        """

    /// A training command's configuration: its recipes, each with its summary, then
    /// `interruptHelp`.
    static func command(_ name: String, abstract: String, recipes: [(name: String, summary: String)] = []) -> CommandConfiguration {
        let list = recipes.map { "\($0.name): \($0.summary)" }.joined(separator: "; ")
        return CommandConfiguration(
            commandName: name, abstract: abstract,
            discussion: (recipes.isEmpty ? "" : "Recipes: \(list). An option given explicitly overrides its recipe's value.\n\n")
                + interruptHelp)
    }

    /// The progress line of the token-level trainers.
    static func lossLine(_ s: TrainingStep) -> String {
        String(format: "step %d  epoch %d  loss %.4f  lr %.2e  %.0f tok/s  %.0f s",
               s.step, s.epoch, s.loss, s.learningRate, s.tokensPerSecond, s.elapsed)
    }

    /// Runs `train` with a progress line every `every` steps on standard error and Ctrl-C as
    /// `interruptHelp` says, then `save` to `--save` (if given). Returns the run and whether
    /// Ctrl-C ended it.
    func train(line: @escaping (TrainingStep) -> String = RunOptions.lossLine,
               _ train: ((TrainingEvent) -> TrainingControl) throws -> TrainingRun,
               save: (URL) throws -> Void) throws -> (run: TrainingRun, interrupted: Bool) {
        let interrupt = TrainingInterrupt()
        let run = try train { event in
            if case .step(let s) = event, s.step % max(1, every) == 0 {
                FileHandle.standardError.write(Data((line(s) + "\n").utf8))
            }
            return interrupt.control()
        }
        try interrupt.trainingEnded {
            if let path = self.save { try save(URL(fileURLWithPath: path)) }
        }
        return (run, interrupt.requested)
    }
}

/// `latent train sft`: generate arithmetic problems, split them, train CoT or No-CoT SFT for
/// a number of epochs, steps or minutes, evaluate greedily on the held-out part, print a JSON
/// summary.
struct TrainSFTCommand: ParsableCommand {
    static let configuration = RunOptions.command(
        "sft", abstract: "CoT / No-CoT SFT on generated arithmetic problems, then greedy evaluation.")

    @OptionGroup var problems: ArithmeticOptions
    @OptionGroup var common: RunOptions
    @Option(help: "cot or nocot.") var mode = "cot"
    @Option(help: "Passes over the training data (default: 20; no limit with --minutes).") var epochs: Double?
    @Option(help: "Sequences per step.") var batch = SFTTrainer.Parameters().batchSize
    @Option(help: "Peak learning rate.") var lr = SFTTrainer.Parameters().optimizer.learningRate
    @Option(help: "Model width, blocks and heads.") var dim = 128
    @Option var layers = 4
    @Option var heads = 4
    @Option(help: "Longest run of digits read as one token: 1 (one token per digit) or up to 3 (0…999 as one token, as Llama 3).") var numberDigits = 1
    @Flag(inversion: .prefixedNo, help: "Read every number least significant digit first (729 as the tokens 9 2 7; decoding turns it back), as the language's model() does; --no-reversed-numbers is the paper's reading.")
    var reversedNumbers = true

    func validate() throws {
        guard ["cot", "nocot"].contains(mode) else { throw ValidationError("--mode must be cot or nocot, got \(mode)") }
        if let epochs, !(epochs > 0 && epochs.isFinite) { throw ValidationError("--epochs must be a positive number") }
        guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
        guard (1...Tokenizer.maximumNumberDigits).contains(numberDigits) else {
            throw ValidationError("--number-digits must be 1 to \(Tokenizer.maximumNumberDigits), got \(numberDigits)")
        }
    }

    func run() throws {
        Engine.setThreads(common.threads)
        let data = try problems.problems()
        let tokenizer = Tokenizer(building: data.all, numberDigits: numberDigits, reversedNumbers: reversedNumbers)
        let configuration = LlamaConfiguration(
            vocabularySize: tokenizer.count, dimension: dim, layers: layers, heads: heads,
            bosTokenID: tokenizer.bosID, eosTokenID: tokenizer.eosID, padTokenID: tokenizer.padID)
        let model = try LlamaModel(configuration: configuration, seed: 0)
        var p = SFTTrainer.Parameters()
        // With a time budget the clock is the end: a fast machine must not stop at 20 epochs
        // with the cosine schedule half-way down (it did: 20 epochs in 10.3 of 15 minutes).
        p.epochs = epochs ?? (common.minutes == nil ? 20 : 1_000_000)
        (p.maximumSteps, p.timeBudget, p.batchSize, p.seed) = (common.maxSteps, common.timeBudget, batch, UInt64(common.seed))
        p.optimizer.learningRate = lr
        if let warmup = common.warmup { p.optimizer.warmupSteps = warmup }
        p.chainOfThought = mode == "cot"
        let (result, interrupted) = try common.train({ onEvent in
            try SFTTrainer.train(model: model, tokenizer: tokenizer, data: data.train, parameters: p, onEvent: onEvent)
        }, save: { try Checkpoint.save(model, tokenizer: tokenizer, to: $0) })
        let evaluation = try Evaluator.evaluate(
            model: model, tokenizer: tokenizer, data: data.test,
            mode: p.chainOfThought ? .chainOfThought : .noChainOfThought, batchSize: 128)
        let summary: [String: Any] = [
            "mode": mode, "params": model.parameterCount, "train_examples": data.train.count,
            "steps": result.steps, "train_seconds": result.seconds, "final_loss": result.losses.last ?? .nan,
            "tokens_per_s": result.metrics["tokens_per_s"]?.last ?? 0,
            "epochs_seen": Double(result.steps * batch) / Double(data.train.count),
            "test_examples": data.test.count, "accuracy": evaluation.accuracy, "interrupted": interrupted,
            "mean_length": evaluation.meanLength, "eval_seconds": evaluation.seconds,
            "by_steps": evaluation.bySteps.map {
                ["steps": $0.steps, "count": $0.count, "accuracy": $0.accuracy, "mean_length": $0.meanLength]
            },
        ]
        try printJSON(summary)
    }
}

/// Prints `object` as one line of JSON with sorted keys.
func printJSON(_ object: [String: Any]) throws {
    let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
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

// SFTTrainer: token-level supervised fine-tuning on question → (chain of thought →) answer.
// Shape after mlx-swift-examples' LoRATrain: a Parameters struct with documented defaults,
// a loss function, and a train loop that reports through a callback instead of printing.

import Datasets
import Foundation
import Models
import TensorCore

/// Chain-of-thought (teacher text: question, equations, `" The answer is: N"`, eos) and No-CoT
/// (question, `" The answer is: N"`, eos) fine-tuning, with the loss on every token after the
/// question.
public enum SFTTrainer {
    /// Settings of one run. Defaults follow `docs/calibration.md` except the batch size: 16, the
    /// best measured here (64 was the worst).
    public struct Parameters: Sendable, Equatable {
        /// Passes over the data (the run may end earlier through `maximumSteps` or `timeBudget`).
        public var epochs: Double = 1
        /// Upper bound on optimizer steps, if any.
        public var maximumSteps: Int? = nil
        /// Wall-clock seconds to train for. When set, the learning-rate schedule runs on time
        /// (warm-up in steps, then cosine over the budget) and training stops when it is spent.
        public var timeBudget: Double? = nil
        /// AdamW, warm-up and cosine, clipping.
        public var optimizer = OptimizerSettings(learningRate: 1e-3, minimumLearningRateFraction: 0.05, warmupSteps: 100,
                                                 weightDecay: 0.1, beta1: 0.9, beta2: 0.95, gradientClip: 1.0)
        /// Sequences per optimizer step.
        public var batchSize: Int = 16
        /// Sorting chunk of the length bucketing, in batches.
        public var batchesPerChunk: Int = 50
        /// Train on the chain of thought (true) or the No-CoT baseline (false).
        public var chainOfThought: Bool = true
        /// Seed of the batch order.
        public var seed: UInt64 = 0
        /// Roll back diverging steps (DivergenceGuard.swift); off: a non-finite loss or gradient
        /// ends the run with an error.
        public var divergenceGuard: DivergenceGuardSettings? = nil

        public init() {}

        /// Throws ``TrainingError/invalidArgument(_:)`` naming the first unusable value.
        public func validate() throws {
            func bad(_ message: String) -> TrainingError { .invalidArgument(message) }
            guard epochs.isFinite, epochs > 0 else { throw bad("epochs must be a positive number, got \(epochs)") }
            try optimizer.validate()
            guard batchSize > 0 else { throw bad("batch must be at least 1, got \(batchSize)") }
            guard batchesPerChunk > 0 else { throw bad("batchesPerChunk must be ≥ 1") }
            if let m = maximumSteps, m <= 0 { throw bad("max_steps must be positive, got \(m)") }
            if let t = timeBudget, !(t > 0 && t.isFinite) { throw bad("seconds must be positive, got \(t)") }
            try divergenceGuard?.validate()
        }
    }

    /// The tokenized sequences of `data` for CoT or No-CoT training.
    public static func sequences(_ data: Dataset, tokenizer: Tokenizer, chainOfThought: Bool) -> [TrainingSequence] {
        data.map { example in
            let e = chainOfThought ? tokenizer.teacherSequence(example) : tokenizer.noCoTSequence(example)
            return TrainingSequence(ids: e.ids, promptCount: e.promptCount)
        }
    }

    /// Mean next-token cross-entropy of `model` on `batch` (a scalar with its graph). Logits
    /// are computed only at positions that have a target (about half of a CoT batch is the
    /// question, which carries no loss).
    public static func loss(model: LlamaModel, batch: TrainingBatch) throws -> Tensor {
        let rows = batch.targets.indices.filter { batch.targets[$0] != ModelOps.ignoredTarget }
        let logits = try model.forward(batch.inputs, logitRows: rows).logits
        return ModelOps.crossEntropy(logits: logits, targets: rows.map { batch.targets[$0] })
    }

    /// Trains `model` in place.
    ///
    /// Runs the TrainingLoop. Events: `.started`, one `.step` per optimizer step, `.finished`.
    /// Answering `.stop` to any event ends training after the current step; the run is then
    /// marked interrupted.
    /// - Throws: ``TrainingError/invalidArgument(_:)`` for bad settings or data,
    ///   ``TrainingError/nonFinite(step:loss:)`` when the loss or gradients stop being finite
    ///   (the update of that step is not applied), and model errors for sequences too long.
    public static func train(
        model: LlamaModel, tokenizer: Tokenizer, data: Dataset, parameters p: Parameters = Parameters(),
        onEvent: (TrainingEvent) -> TrainingControl = { _ in .continue }
    ) throws -> TrainingRun {
        try p.validate()
        guard !data.isEmpty else { throw TrainingError.invalidArgument("the training data is empty") }
        guard tokenizer.count == model.configuration.vocabularySize else {
            throw TrainingError.invalidArgument(
                "tokenizer has \(tokenizer.count) tokens, the model's vocabulary is \(model.configuration.vocabularySize)")
        }
        let sequences = sequences(data, tokenizer: tokenizer, chainOfThought: p.chainOfThought)
        if let long = sequences.first(where: { $0.ids.count - 1 > model.configuration.maximumLength }) {
            throw TrainingError.invalidArgument(
                "a training sequence has \(long.ids.count - 1) tokens, more than the model's maximum length \(model.configuration.maximumLength)")
        }
        let batcher = SequenceBatcher(sequences: sequences, batchSize: p.batchSize,
                                      batchesPerChunk: p.batchesPerChunk, padID: tokenizer.padID)
        let plannedSteps = min(p.maximumSteps ?? Int.max,
                               max(1, Int((p.epochs * Double(batcher.batchesPerEpoch)).rounded(.up))))
        let loop = TrainingLoop(weights: model.parameters(), settings: p.optimizer, plannedSteps: plannedSteps,
                                timeBudget: p.timeBudget, divergenceGuard: p.divergenceGuard)
        let parallel = try DataParallel(model: model, workers: Sharding.defaultWorkers)
        var plan: (epoch: Int, batches: [[Int]]) = (-1, [])
        return try loop.run(examples: data.count, onEvent: onEvent) { context in
            let epoch = context.index / batcher.batchesPerEpoch
            if plan.epoch != epoch { plan = (epoch, batcher.plan(epoch: epoch, seed: p.seed)) }
            let rows = plan.batches[context.index % batcher.batchesPerEpoch]
            let shards = Sharding.shards(rows, workers: parallel.workers).map { batcher.batch($0) }
            let targetTokens = shards.reduce(0) { $0 + $1.targetTokens }
            guard targetTokens > 0 else { return .skipped }
            let value = try parallel.lossAndGradients(shards, targetTokens: \.targetTokens) { model, shard in
                try SFTTrainer.loss(model: model, batch: shard)
            }
            return .computed(TrainingLoop.Step(loss: value, epoch: epoch, tokens: shards.reduce(0) { $0 + $1.tokens },
                                               targetTokens: targetTokens))
        }
    }
}

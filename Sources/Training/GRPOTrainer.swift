// GRPOTrainer: learning when to stop (method.md §(d)) — GRPO on the stop decisions and the answer
// tokens of a latent model, with the paper's reward (see GRPOReward) and loss (see GRPOBatch).
//
// Per step: the next P prompts of a seeded shuffle of the training prompts, G completions each
// sampled at temperature (seed of the step), rewards and group advantages, the loss over every
// action with log-probabilities recomputed through the latent recurrence (policy with gradients,
// frozen copy of the starting model without), one AdamW update of the TrainingLoop (clipping,
// warm-up then cosine).
//
// Validation (model selection, never the test split): greedy adaptive latent evaluation of the
// validation set before the first step, every `validateEvery` steps and after the last one. The
// best weights are kept in memory — by validation accuracy (ties: the shorter mean length wins, so
// a run that shortens at equal accuracy keeps the shorter model; the paper's selection ignores
// length), or with `selection: .shortest` the shortest within the noise of the starting accuracy
// — and restored at the end, unless a stop request ended the run (the contract: an
// interrupted run keeps the weights of its last completed step). Validation data defaults to the
// last min(200, max(1, n/10)) examples of `data`, which are then left out of the prompts.

import Datasets
import Foundation
import Models
import Support
import TensorCore

/// GRPO for latent models (the language's `rl`).
public enum GRPOTrainer {
    /// Where validation examples come from.
    public enum Validation: Sendable, Equatable {
        /// The last min(200, max(1, n/10)) examples of the training data, held out of the prompts.
        case heldOut
        /// A separate dataset (all of the training data is used for prompts).
        case data(Dataset)
        /// No validation and no best-checkpoint selection.
        case none
    }

    /// How the weights kept at the end of a run are chosen among its validations.
    public enum Selection: String, Sendable, Equatable, CaseIterable {
        /// The highest validation accuracy (ties: the shorter mean length).
        case accuracy
        /// The shortest mean length among validations whose accuracy is at least the starting
        /// model's minus one binomial standard error of it (√(p(1−p)/n) on n validation
        /// examples): shorter reasoning without an accuracy loss the validation set can detect.
        /// Picking the highest accuracy instead picks whichever validation was luckiest, often
        /// an early, long one, when RL leaves accuracy flat and shortens the reasoning.
        case shortest
    }

    /// Settings of one run; `Parameters()` is the paper's recipe (method.md §(d)) unless noted;
    /// ``GRPORecipe`` names it and the others.
    public struct Parameters: Sendable, Equatable {
        /// Optimizer steps (nil: until `timeBudget` is spent).
        public var maximumSteps: Int? = 100
        /// Prompts per step (P) and completions per prompt (G).
        public var prompts: Int = 8
        public var group: Int = 16
        /// KL coefficient β against the frozen starting model (0: no reference pass).
        public var beta: Double = 1e-3
        /// Penalty, bonus and cutoff of the length term.
        public var reward = GRPOReward.Settings()
        /// ε of the advantage normaliser (TRL's 1e-4; the penalty only bites through it).
        public var epsilon: Double = 1e-4
        /// Temperatures, latent cap (16) and answer-token cap (40).
        public var sampling = LatentSamplingSettings()
        public var validation: Validation = .heldOut
        public var validateEvery: Int = 25
        /// Restore the best validated weights at the end.
        public var keepBest: Bool = true
        /// Which validated weights are the best (ours; the paper keeps the most accurate).
        public var selection: Selection = .accuracy
        /// Learning rate of the stop head (the CONTINUE and STOP rows of the tied embedding) as a
        /// multiple of the trunk's (1: the same; 0: frozen head). An exploration lever of issue 9.
        public var headLearningRateFactor: Double = 1
        /// Wall-clock seconds; when set, the cosine schedule runs on time and training stops there.
        public var timeBudget: Double? = nil
        /// AdamW, warm-up (ours: 10 of the default 100 steps; the paper's 1,000 of 60,000) and a
        /// cosine to 0 (HF's), clipping at HF's default 1.0.
        public var optimizer = OptimizerSettings(learningRate: 1e-5, minimumLearningRateFraction: 0, warmupSteps: 10,
                                                 weightDecay: 1e-3, beta1: 0.9, beta2: 0.999, gradientClip: 1.0)
        /// Roll back diverging steps (DivergenceGuard.swift); off: a non-finite loss or gradient
        /// ends the run with an error.
        public var divergenceGuard: DivergenceGuardSettings? = nil
        public var seed: UInt64 = 0
        /// Rows per forward call when sampling and validating.
        public var batchSize: Int = 128
        /// Completions per forward/backward chunk of the update (gradients are accumulated, so
        /// this changes memory and speed, not the result beyond float rounding). 8 rather than 32:
        /// equally fast here (2.5–3.6 s per 128-completion update either way), and a stop request
        /// is answered between rounds of chunks, which are then a quarter as long.
        public var microBatch: Int = 8

        public init() {}

        /// Throws ``TrainingError/invalidArgument(_:)`` naming the first unusable value.
        public func validate() throws {
            func bad(_ m: String) -> TrainingError { .invalidArgument(m) }
            if let m = maximumSteps, m <= 0 { throw bad("max_steps must be at least 1, got \(m)") }
            if maximumSteps == nil, timeBudget == nil { throw bad("rl needs max_steps or seconds") }
            guard prompts > 0 else { throw bad("prompts must be at least 1, got \(prompts)") }
            guard group > 1 else { throw bad("group must be at least 2 (advantages compare samples of one prompt), got \(group)") }
            try optimizer.validate()
            guard beta.isFinite, beta >= 0 else { throw bad("kl must be 0 or more, got \(beta)") }
            guard reward.penalty.isFinite, reward.bonus.isFinite else { throw bad("penalty and bonus must be finite numbers") }
            guard (0...1).contains(reward.cutoff) else { throw bad("cutoff must be a share of correct samples in 0…1, got \(reward.cutoff)") }
            guard epsilon.isFinite, epsilon >= 0 else { throw bad("epsilon must be 0 or more, got \(epsilon)") }
            guard headLearningRateFactor.isFinite, headLearningRateFactor >= 0 else {
                throw bad("head_lr must be a factor of 0 or more, got \(headLearningRateFactor)")
            }
            guard validateEvery > 0 else { throw bad("validate_every must be at least 1, got \(validateEvery)") }
            guard batchSize > 0, microBatch > 0 else { throw bad("the batch sizes must be at least 1") }
            try divergenceGuard?.validate()
            if let t = timeBudget, !(t > 0 && t.isFinite) { throw bad("seconds must be positive, got \(t)") }
            do { try sampling.validate() } catch { throw bad("\(error)") }
        }
    }

    /// How many examples `.heldOut` keeps for validation out of `count`.
    public static func heldOutCount(_ count: Int) -> Int { min(200, max(1, count / 10)) }

    /// The prompts and the validation set of a run.
    static func split(_ data: Dataset, _ validation: Validation) throws -> (prompts: [Example], validation: Dataset?) {
        switch validation {
        case .none: return (Array(data), nil)
        case .data(let v):
            guard !v.isEmpty else { throw TrainingError.invalidArgument("the validation data is empty") }
            return (Array(data), v)
        case .heldOut:
            guard data.count >= 2 else {
                throw TrainingError.invalidArgument("rl holds out part of the data for validation and needs at least 2 examples, got \(data.count)")
            }
            let n = heldOutCount(data.count)
            return (Array(data.prefix(data.count - n)), Dataset(Array(data.suffix(n)), source: data.source + " (held out for validation)"))
        }
    }

    /// A frozen copy of `model` (the KL reference).
    static func copy(_ model: LatentModel, tokenizer: Tokenizer) throws -> LatentModel {
        func clone(_ pairs: [(name: String, tensor: Tensor)]) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: pairs.map { ($0.name, Tensor($0.tensor.scalars, shape: $0.tensor.shape)) })
        }
        let base = try LlamaModel(configuration: model.base.configuration, tensors: clone(model.base.namedParameters()))
        let filter = try LatentFilter(tensors: clone(model.filter.namedParameters()), dimension: model.filter.dimension)
        return try LatentModel(base: base, filter: filter, tokenizer: tokenizer)
    }

    /// Trains `model` in place and returns the run.
    ///
    /// Events: `.started`, one `.step` per update (loss = the GRPO loss; `metrics` holds
    /// `reward`, `accuracy`, `length`, `kl`, `stop_entropy`), `.finished`. `.stop` ends
    /// training at the next step boundary. Run metrics (per step): `loss`, `lr`, `grad_norm`,
    /// `tokens_per_s` (actions per second), `reward`, `accuracy` (share of correct samples),
    /// `length` (mean total reasoning length of well-formed samples), `malformed`, `kl` (mean
    /// per-action k3), `stop_entropy` (mean stop-head entropy at temperature 1, nats),
    /// `at_cutoff` (share of groups where the penalty applied), `sample_seconds` (sampling and
    /// scoring) and `update_seconds` (policy and reference passes, backward, AdamW); per validation: `val_step`,
    /// `val_accuracy`, `val_length`; once: `best_step`, `best_accuracy`, `best_length` (and
    /// `selection_floor` under `.shortest`),
    /// `validation_examples`, `dropped_prompts` (too long for the model with the caps).
    ///
    /// `shouldStop` is asked inside a step too — between sampling's decoding steps, between the
    /// update's rounds of chunks and between validation decoding steps — because one GRPO step
    /// takes seconds: when it returns true the step in progress is abandoned (its gradients
    /// discarded, no update), so the model keeps the weights of the last completed step and the
    /// run ends interrupted.
    /// - Throws: ``TrainingError/invalidArgument(_:)`` for bad settings or data,
    ///   ``TrainingError/nonFinite(step:loss:)`` when the loss or gradient is not finite (the
    ///   update is not applied).
    public static func train(
        model: LatentModel, tokenizer: Tokenizer, data: Dataset, parameters p: Parameters = Parameters(),
        onEvent: (TrainingEvent) -> TrainingControl = { _ in .continue }, shouldStop: () -> Bool = { false }
    ) throws -> TrainingRun {
        try p.validate()
        guard !data.isEmpty else { throw TrainingError.invalidArgument("the training data is empty") }
        guard LatentTokens(tokenizer) == model.tokens, tokenizer.count == model.base.configuration.vocabularySize else {
            throw TrainingError.invalidArgument("the tokenizer does not belong to this latent model")
        }
        let (all, validation) = try split(data, p.validation)
        // Prompts whose completion could overrun the model's length are dropped (the paper drops
        // prompts over 100 tokens).
        let room = model.base.configuration.maximumLength - p.sampling.latentCap - 1 - p.sampling.maximumAnswerTokens
        let examples = all.filter { tokenizer.prompt(question: $0.question, latent: true).count <= room }
        guard !examples.isEmpty else {
            throw TrainingError.invalidArgument(
                "no prompt fits: the model's maximum length \(model.base.configuration.maximumLength) leaves \(max(0, room)) tokens "
                    + "for a prompt after \(p.sampling.latentCap) latent steps and \(p.sampling.maximumAnswerTokens) answer tokens")
        }
        let reference = p.beta > 0 ? try copy(model, tokenizer: tokenizer) : nil
        let weights = model.parameters()
        // The update's chunks of completions run on weight-sharing replicas, one per thread
        // (see DataParallel); the frozen reference gets replicas too.
        let parallel = try DataParallel(model: model, workers: Sharding.defaultWorkers)
        let references: [LatentModel?] = try (0..<parallel.workers).map { w in
            guard let reference else { return nil }
            return w == 0 ? reference : try reference.sharingWeights()
        }
        let plannedSteps = p.maximumSteps ?? Int(Int32.max)
        let loop = TrainingLoop(weights: weights, settings: p.optimizer, plannedSteps: plannedSteps, timeBudget: p.timeBudget,
                                divergenceGuard: p.divergenceGuard)
        var selection = BestWeights(weights: weights, rule: p.selection, examples: validation?.count ?? 1)
        var validations: [(step: Int, accuracy: Double, length: Double)] = []
        func validate(step: Int) throws {
            guard let validation else { return }
            let r = try LatentEvaluator.evaluate(model: model, tokenizer: tokenizer, data: validation,
                                                 policy: .adaptive(cap: p.sampling.latentCap),
                                                 maximumAnswerTokens: p.sampling.maximumAnswerTokens, batchSize: p.batchSize,
                                                 shouldStop: shouldStop).result
            if shouldStop() { return }  // a partial validation is not offered for selection
            validations.append((step, r.accuracy, r.meanLength))
            selection.offer(step: step, accuracy: r.accuracy, length: r.meanLength)
        }
        var order: (epoch: Int, indices: [Int]) = (-1, [])
        let keys = ["reward", "accuracy", "length", "malformed", "kl", "stop_entropy", "at_cutoff", "sample_seconds", "update_seconds"]
        return try loop.run(
            examples: examples.count, series: keys + ["val_step", "val_accuracy", "val_length"],
            onEvent: onEvent,
            prepare: {
                // The starting model's validation, before the first step.
                try validate(step: 0)
                return shouldStop()
            },
            step: { context in
                // The next P prompts of the epoch's shuffle (epochs continue across steps).
                var chosen: [Example] = []
                for k in 0..<p.prompts {
                    let position = context.index * p.prompts + k
                    let epoch = position / examples.count
                    if order.epoch != epoch {
                        var rng = SplitMix64(seed: p.seed &+ 0x6A09_E667 &* UInt64(epoch + 1))
                        order = (epoch, Array(examples.indices).shuffled(using: &rng))
                    }
                    chosen.append(examples[order.indices[position % examples.count]])
                }
                let sampled = context.elapsed()
                let batch: GRPOBatch
                do {
                    batch = try GRPOBatch(model: model, tokenizer: tokenizer, examples: chosen, group: p.group, sampling: p.sampling,
                                          reward: p.reward, epsilon: p.epsilon, seed: p.seed &+ 0x3C6E_F372 &* UInt64(context.index + 1),
                                          batchSize: p.batchSize, shouldStop: shouldStop)
                } catch ModelError.interrupted {
                    return .abandoned
                }
                let scored = context.elapsed()
                if shouldStop() { return .abandoned }
                let update = try batch.accumulateGradients(parallel: parallel, references: references, beta: p.beta,
                                                           sampling: p.sampling, rows: p.microBatch, shouldStop: shouldStop)
                guard let (value, kl, actions) = update else { return .abandoned }
                var step = TrainingLoop.Step(loss: value, tokens: actions, targetTokens: actions)
                let head = HeadRows(model)
                if p.headLearningRateFactor != 1 { step.afterUpdate = { head.scaleUpdate(by: Float(p.headLearningRateFactor)) } }
                let f = batch.figures
                step.shown = { ["reward": f.reward, "accuracy": f.accuracy, "length": f.length, "kl": kl, "stop_entropy": f.stopEntropy] }
                step.figures = {
                    zip(keys, [f.reward, f.accuracy, f.length, f.malformed, kl, f.stopEntropy,
                               Double(batch.groupsAtCutoff) / Double(p.prompts), scored - sampled, context.elapsed() - scored])
                        .map { ($0, $1) }
                }
                return .computed(step)
            },
            afterStep: { step in
                guard step % p.validateEvery == 0 || step == plannedSteps else { return false }
                try validate(step: step)
                return shouldStop()
            },
            finishing: { interrupted, steps, series in
                if let validation {
                    series["validation_examples"] = [Double(validation.count)]
                    if !interrupted {
                        if selection.lastOffered != steps { try validate(step: steps) }
                        if p.keepBest { selection.restore() }
                    }
                }
                series["dropped_prompts"] = [Double(all.count - examples.count)]
                series["val_step"] = validations.map { Double($0.step) }
                series["val_accuracy"] = validations.map(\.accuracy)
                series["val_length"] = validations.map(\.length)
                if validation != nil, !interrupted, let b = selection.best {
                    series["best_step"] = [Double(b.step)]
                    series["best_accuracy"] = [b.accuracy]
                    series["best_length"] = [b.length]
                    if let floor = selection.floor { series["selection_floor"] = [floor] }
                }
            })
    }
}

/// The stop head's two embedding rows before an update, to rescale that update afterwards:
/// AdamW's change of a weight is proportional to the learning rate, so scaling the change of
/// these rows by k is the same as giving them k times the learning rate.
struct HeadRows {
    let embedding: Tensor
    let rows: [Int]
    let before: [Float]

    init(_ model: LatentModel) {
        let e = model.base.embedding, rows = [model.tokens.continue, model.tokens.stop]
        let d = e.dim(1)
        (embedding, self.rows) = (e, rows)
        before = rows.flatMap { r in (0..<d).map { e.data[r * d + $0] } }
    }

    func scaleUpdate(by factor: Float) {
        let d = embedding.dim(1)
        for (k, r) in rows.enumerated() {
            for j in 0..<d {
                let old = before[k * d + j]
                embedding.data[r * d + j] = old + factor * (embedding.data[r * d + j] - old)
            }
        }
    }
}

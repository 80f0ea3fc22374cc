// DistillationTrainer: CODI-style latent SFT (method.md §(c)) — one shared model runs the
// explicit-CoT teacher pass and the latent student pass; see DistillationLoss for the loss.
// The step loop, the schedule and the divergence guard are the TrainingLoop's.
//
// Batches: every batch holds examples of ONE latent count (LatentCountTarget), so the
// recurrence runs n steps for every row with no per-row stopping. Within a count, sequences are
// sorted by teacher length in chunks of `batchesPerChunk` batches (little padding), and the batch
// order is shuffled per epoch (seeded).
//
// Step-level supervision (`stepWeight`, see DistillationLoss.stepLoss and StepAlignment) and a
// Coconut-style curriculum (`curriculum`): the examples are re-tokenized at each stage change,
// with the steps after the first s written out in the student sequence; the run's
// metrics["stage"] records the stage, and a stage change is a new objective for the guard.

import Datasets
import Foundation
import Models
import Support
import TensorCore

/// Latent distillation (the language's `distill`).
public enum DistillationTrainer {
    /// Settings of one run. `Parameters()` is the paper's recipe at this scale (calibration.md);
    /// ``DistillationRecipe`` names it and the others.
    public struct Parameters: Sendable, Equatable {
        /// Latent count per example.
        public var latent: LatentCountTarget = .fixed(6)
        public var epochs: Double = 1
        public var maximumSteps: Int? = nil
        /// Wall-clock seconds; when set the cosine schedule runs on time and training stops there.
        public var timeBudget: Double? = nil
        /// AdamW, warm-up and cosine, clipping (the paper's 2.0).
        public var optimizer = OptimizerSettings(learningRate: 1e-3, minimumLearningRateFraction: 0.05, warmupSteps: 100,
                                                 weightDecay: 0.1, beta1: 0.9, beta2: 0.95, gradientClip: 2.0)
        public var batchSize: Int = 32
        public var batchesPerChunk: Int = 50
        /// Coefficient of the distillation term (the paper's 20).
        public var distillWeight: Double = 20
        /// Weight of step-level supervision (DistillationLoss.stepLoss): each latent step's input
        /// vector must decode its part of the chain. 0 (the paper's recipe) turns it off.
        public var stepWeight: Double = 0
        /// Which latent step decodes which part of the chain under step supervision.
        public var stepAlignment: StepAlignment = .next
        /// Fraction of the run spent in Coconut-style curriculum stages before the all-latent
        /// objective: with K the largest step count of the data, stage s = 1…K−1 writes steps
        /// s+1… as text after the latent steps, each for curriculum/(K−1) of the run. 0: off.
        public var curriculum: Double = 0
        public var seed: UInt64 = 0
        /// Roll back diverging steps (DivergenceGuard.swift); the paper's authors warn that
        /// latent SFT "randomly diverges", so it is on.
        public var divergenceGuard: DivergenceGuardSettings? = DivergenceGuardSettings()

        public init() {}

        /// Throws ``TrainingError/invalidArgument(_:)`` naming the first unusable value.
        public func validate() throws {
            func bad(_ m: String) -> TrainingError { .invalidArgument(m) }
            try latent.validate()
            guard epochs.isFinite, epochs > 0 else { throw bad("epochs must be a positive number, got \(epochs)") }
            try optimizer.validate()
            guard batchSize > 0, batchesPerChunk > 0 else { throw bad("batch must be at least 1, got \(batchSize)") }
            guard distillWeight >= 0, distillWeight.isFinite, stepWeight >= 0, stepWeight.isFinite else {
                throw bad("loss weights must be finite and ≥ 0")
            }
            guard curriculum >= 0, curriculum < 1 else { throw bad("curriculum must be a fraction of the run in 0 ..< 1, got \(curriculum)") }
            try divergenceGuard?.validate()
            if let m = maximumSteps, m <= 0 { throw bad("max_steps must be positive, got \(m)") }
            if let t = timeBudget, !(t > 0 && t.isFinite) { throw bad("seconds must be positive, got \(t)") }
        }
    }

    /// The batches of one epoch as index lists; each batch has one latent count.
    static func plan(_ examples: [DistillationExample], batchSize: Int, batchesPerChunk: Int, epoch: Int, seed: UInt64) -> [[Int]] {
        var rng = SplitMix64(seed: seed &+ 0x51_7CC1 &* UInt64(epoch + 1))
        var order = Array(examples.indices)
        order.shuffle(using: &rng)
        let groups = Dictionary(grouping: order) { examples[$0].latentCount }
        var batches: [[Int]] = []
        for count in groups.keys.sorted() {
            let members = groups[count]!
            for chunkStart in stride(from: 0, to: members.count, by: batchSize * batchesPerChunk) {
                let chunk = members[chunkStart..<min(members.count, chunkStart + batchSize * batchesPerChunk)]
                    .sorted { (examples[$0].teacher.ids.count, $0) < (examples[$1].teacher.ids.count, $1) }
                for s in stride(from: 0, to: chunk.count, by: batchSize) {
                    batches.append(Array(chunk[(chunk.startIndex + s)..<min(chunk.endIndex, chunk.startIndex + s + batchSize)]))
                }
            }
        }
        batches.shuffle(using: &rng)
        return batches
    }

    /// Trains `model` in place.
    ///
    /// Events: `.started`, one `.step` per applied optimizer step (loss = the total loss),
    /// `.finished`. `.stop` ends training at the next step boundary (or before the first step).
    /// Metrics: `loss`, `lr`, `grad_norm`, `tokens_per_s`, `ce_teacher`, `ce_student`, `distill`,
    /// `step_ce`, `latent_norm` (mean latent-vector norm of the step), `chain_exact` (with step
    /// supervision: the fraction of rows with supervised steps whose latents decode all of them
    /// exactly; one entry per step whose batch has such rows, so the series can be shorter than
    /// `loss`), `latent_norm_by_step` (mean over the run, per latent index 1…n), `stage` (with a
    /// curriculum), `rollback_step` and `spike_step` (the divergence guard's).
    /// - Throws: ``TrainingError/invalidArgument(_:)`` for bad settings or data, and
    ///   ``TrainingError/nonFinite(step:loss:)`` once the guard has rolled back too often.
    public static func train(
        model: LatentModel, tokenizer: Tokenizer, data: Dataset, parameters p: Parameters = Parameters(),
        onEvent: (TrainingEvent) -> TrainingControl = { _ in .continue }
    ) throws -> TrainingRun {
        try train(model: model, tokenizer: tokenizer, data: data, parameters: p, onEvent: onEvent, lossOverride: nil)
    }

    /// As the public `train`; `lossOverride(step, loss)` replaces the measured loss (tests inject
    /// NaN or spikes with it to exercise the divergence guard).
    static func train(
        model: LatentModel, tokenizer: Tokenizer, data: Dataset, parameters p: Parameters,
        onEvent: (TrainingEvent) -> TrainingControl, lossOverride: ((Int, Double) -> Double)?
    ) throws -> TrainingRun {
        try p.validate()
        guard !data.isEmpty else { throw TrainingError.invalidArgument("the training data is empty") }
        guard LatentTokens(tokenizer) == model.tokens, tokenizer.count == model.base.configuration.vocabularySize else {
            throw TrainingError.invalidArgument("the tokenizer does not belong to this latent model")
        }
        func stageExamples(_ stage: Int) -> [DistillationExample] {
            data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: p.latent.count(for: $0, tokenizer: tokenizer), writtenFrom: stage) }
        }
        // Curriculum stages 1…K−1 write the later steps as text; stage K (`.max`) is all latent.
        let stages = p.curriculum > 0 ? max(1, data.map(\.stepCount).max() ?? 1) : 1
        let finalStage = Int.max
        var stage = stages > 1 ? 1 : finalStage
        var examples = stageExamples(stage)
        let maxLength = model.base.configuration.maximumLength
        if let long = examples.first(where: { max($0.teacher.ids.count, $0.student.ids.count) - 1 > maxLength }) {
            throw TrainingError.invalidArgument(
                "a training sequence has \(max(long.teacher.ids.count, long.student.ids.count) - 1) tokens, more than the model's maximum length \(maxLength)")
        }
        let perEpoch = plan(examples, batchSize: p.batchSize, batchesPerChunk: p.batchesPerChunk, epoch: 0, seed: p.seed).count
        let plannedSteps = min(p.maximumSteps ?? Int.max, max(1, Int((p.epochs * Double(perEpoch)).rounded(.up))))
        let loop = TrainingLoop(weights: model.parameters(), settings: p.optimizer, plannedSteps: plannedSteps,
                                timeBudget: p.timeBudget, divergenceGuard: p.divergenceGuard)
        var normSums: [Double] = [], normCounts: [Int] = []
        var plans: (epoch: Int, batches: [[Int]]) = (-1, [])
        // Each step's batch is split by rows across the engine's threads (see DataParallel);
        // the shard losses are weighted by their share of the rows.
        let parallel = try DataParallel(model: model, workers: Sharding.defaultWorkers)
        return try loop.run(
            examples: data.count, series: ["ce_teacher", "ce_student", "distill", "step_ce", "latent_norm"], onEvent: onEvent,
            step: { context in
                let epoch = context.index / perEpoch
                if plans.epoch != epoch {
                    plans = (epoch, plan(examples, batchSize: p.batchSize, batchesPerChunk: p.batchesPerChunk, epoch: epoch, seed: p.seed))
                }
                // The curriculum stage: 1…K−1 over the first `curriculum` of the run, then all latent.
                var newStage = finalStage
                if stages > 1 {
                    let s = 1 + Int(context.progress / p.curriculum * Double(stages - 1))
                    newStage = s >= stages ? finalStage : s
                }
                let newObjective = newStage != stage
                if newObjective { (stage, examples) = (newStage, stageExamples(newStage)) }
                let indices = plans.batches[context.index % plans.batches.count]
                let batches = Profiler.measure(.data) {
                    Sharding.shards(indices, workers: parallel.workers).map { shard in
                        DistillationBatch(shard.map { examples[$0] }, tokenizer: tokenizer, stepSupervision: p.stepWeight > 0,
                                          alignment: p.stepAlignment)
                    }
                }
                func stepLoss(_ m: LatentModel, _ batch: DistillationBatch) throws -> DistillationLoss {
                    try DistillationLoss.compute(model: m, batch: batch, distillWeight: Float(p.distillWeight), stepWeight: Float(p.stepWeight))
                }
                let parts = try parallel.map(batches, stepLoss)
                let shares = batches.map { Double($0.size) / Double(indices.count) }
                let loss = DistillationLoss.Summary(parts, shares: shares)
                var step = TrainingLoop.Step(loss: lossOverride?(context.index + 1, loss.total) ?? loss.total, epoch: epoch)
                // The kind of batch the spike test compares like with like by: its rounded mean step count.
                step.kind = Int((Double(indices.reduce(0) { $0 + data[$1].stepCount }) / Double(max(1, indices.count))).rounded())
                step.newObjective = newObjective
                step.tokens = batches.reduce(0) { sum, batch in
                    sum + batch.teacherTokens + batch.shared.prefix.lengths.reduce(0, +) + batch.size * (batch.latentCount + 1)
                        + batch.tail.lengths.reduce(0, +)
                }
                step.targetTokens = batches.reduce(0) { sum, batch in
                    sum + batch.teacherTargetTokens + batch.tailTargets.filter { $0 != ModelOps.ignoredTarget }.count
                }
                step.backward = { parallel.backward(parts.map(\.total), weights: shares) }
                step.discard = { for part in parts { part.total.detachGraph() } }
                step.diagnose = {
                    NonFiniteDiagnosis.describe(step: context.index + 1, model: model, shards: batches) { try stepLoss($0, $1).total }
                }
                step.figures = {
                    for (k, n) in loss.latentNorms.enumerated() {
                        if normSums.count <= k { normSums.append(0); normCounts.append(0) }
                        normSums[k] += n
                        normCounts[k] += 1
                    }
                    let norms = loss.latentNorms
                    var figures: [(String, Double)] = [("ce_teacher", loss.teacherCE), ("ce_student", loss.studentCE),
                                                       ("distill", loss.distillation), ("step_ce", loss.stepCE)]
                    if let exact = loss.chainExact { figures.append(("chain_exact", exact)) }
                    if stages > 1 { figures.append(("stage", Double(min(stage, stages)))) }
                    figures.append(("latent_norm", norms.isEmpty ? 0 : norms.reduce(0, +) / Double(norms.count)))
                    return figures
                }
                return .computed(step)
            },
            finishing: { _, _, series in
                series["latent_norm_by_step"] = zip(normSums, normCounts).map { $0 / Double(max($1, 1)) }
            })
    }
}

// DistillationTrainer: CODI-style latent SFT (method.md §(c)) — one shared model runs the
// explicit-CoT teacher pass and the latent student pass; see DistillationLoss for the loss.
//
// Batches: every batch holds examples of ONE latent count (Latent-6: all; Latent-6-by-1: counts
// 6…10 by step count), so the recurrence runs n steps for every row with no per-row stopping.
// Within a count, sequences are sorted by teacher length in chunks of `batchesPerChunk` batches
// (little padding), and the batch order is shuffled per epoch (seeded).
//
// Extensions, off by default (docs/method.md, Deviations): step-level supervision of the latent
// vectors (`stepWeight`, see DistillationLoss.stepLoss) and a Coconut-style curriculum
// (`curriculum`): the examples are re-tokenized at each stage change, with the steps after the
// first s written out in the student sequence; the run's metrics["stage"] records the stage.
// Mixed rows (`mixed`) are the same form drawn per row and per step in the all-latent stage.
// `stepFirst` opens the run with the step supervision alone (student and distillation weights
// 0); metrics["steps_only"] marks those steps, and the switch is a new objective for the guard.
//
// Divergence guard (the paper's authors warn latent SFT "randomly diverges"): a copy of the
// weights and AdamW moments is taken every `snapshotInterval` good steps. A step whose loss
// exceeds `spikeFactor` × the median of the last `spikeWindow` applied losses of batches of its
// kind — its rounded mean step count — (only once that many exist) is a spike: applied, and
// recorded in metrics["spike_step"]. A step whose loss or gradient norm is not finite, or the `spikePatience`-th spike in a row, is not applied and
// rolls back: the model and the optimizer go back to the snapshot, the learning rate is
// multiplied by `learningRateBackoff`, the step number is recorded in metrics["rollback_step"],
// and training goes on with the next batch. The last `snapshotsKept` snapshots are kept, each
// taken only after `snapshotInterval` clean steps since the last rollback; a rollback before a
// new snapshot exists goes one snapshot further back (weights that fail again so soon are
// themselves past the trouble). After `maximumRollbacks` rollbacks the trainer gives up with
// TrainingError.nonFinite. A curriculum stage change empties the window of recent losses
// (a new objective has its own loss scale), so spike checks restart after `spikeWindow` steps.

import Datasets
import Foundation
import Models
import Support
import TensorCore

/// How many latent steps the student sequence of an example gets.
public enum LatentCountTarget: Sendable, Equatable {
    /// The same count for every example (Latent-6: `.fixed(6)`).
    case fixed(Int)
    /// The paper's Latent-6-by-1: the example's step count + 5, capped at 10.
    case byStep

    public func count(for example: Example) -> Int {
        switch self {
        case .fixed(let n): n
        case .byStep: Prompts.byStepLatentCount(for: example)
        }
    }
}

/// Latent distillation (the language's `distill`).
public enum DistillationTrainer {
    /// Settings of one run; defaults are the paper's recipe at this scale (calibration.md).
    public struct Parameters: Sendable, Equatable {
        /// Latent count per example.
        public var latent: LatentCountTarget = .fixed(6)
        public var epochs: Double = 1
        public var maximumSteps: Int? = nil
        /// Wall-clock seconds; when set the cosine schedule runs on time and training stops there.
        public var timeBudget: Double? = nil
        public var learningRate: Double = 1e-3
        public var minimumLearningRateFraction: Double = 0.05
        public var warmupSteps: Int = 100
        public var batchSize: Int = 32
        public var batchesPerChunk: Int = 50
        /// Coefficient of the distillation term (the paper's 20).
        public var distillWeight: Double = 20
        /// Match the final normed state at the answer anchor too (the paper's every-layer term).
        /// False keeps only the residual streams between blocks: the final state is the input of
        /// the first answer token's logits, and matching it in a shared model can collapse that
        /// token in both passes (BENCHMARKS.md, twenty-first session). Needs 2 or more layers.
        public var distillFinal: Bool = true
        /// Coefficients of the teacher and student cross-entropies (1 and 1 in the paper).
        public var teacherWeight: Double = 1
        public var studentWeight: Double = 1
        /// Weight of step-level supervision (DistillationLoss.stepLoss): latent step k's input
        /// vector must decode reasoning step min(k, steps). 0 (the paper's recipe) turns it off.
        public var stepWeight: Double = 0
        /// Which latent step decodes which reasoning step under step supervision.
        public var stepAlignment: StepAlignment = .next
        /// Weight of per-step hidden-state alignment: the student pass that produces the latent
        /// input of step j matches, in every block, the teacher's states where it computes step
        /// j's result (DistillationBatch.stepAnchors). 0 turns it off.
        public var stepDistillWeight: Double = 0
        /// Train the answer text (its cross-entropy and the distillation term) only on rows whose
        /// latents decode every supervised step exactly (ChainExactness); needs `stepWeight` > 0.
        /// False (the paper's recipe) trains it on every row.
        public var gateAnswer: Bool = false
        /// Distil toward targets computed once, before the first step, by the model as it starts
        /// (FrozenTeacher), instead of the live teacher pass of the shared model. With
        /// `teacherWeight` 0 the teacher pass is skipped. Not with `stepDistillWeight` > 0.
        public var frozenTeacher: Bool = false
        /// Fraction of the run spent in Coconut-style curriculum stages before the all-latent
        /// objective: with K the largest step count of the data, stage s = 1…K−1 writes steps
        /// s+1… as text after the latent steps, each for curriculum/(K−1) of the run. 0: off.
        public var curriculum: Double = 0
        /// Fraction of the multi-step rows of every batch that are mixed: their latents stand for
        /// the first s steps only (s drawn from 1…S−1 for each row, each time it is used) and the
        /// steps after them are written as text before the answer, so the text learns, digit by
        /// digit, to compute from results held in latent vectors — the reading the answer text
        /// must do after an all-latent chain. Step supervision places only the first s steps.
        /// 0 (the paper's recipe): every row all latent. Measured no better than without
        /// (BENCHMARKS.md, seventeenth session).
        public var mixed: Double = 0
        /// Fraction of the run, at its start, that trains the step supervision (and the teacher's
        /// cross-entropy) alone: the student's answer text and the distillation term are off, so
        /// the latents learn to hold the steps before the answer learns to do without them — the
        /// seventeenth session's two-call "step supervision first" run (k4), as one run with one
        /// optimizer and one cosine schedule (k4's two calls each had their own). Needs
        /// `stepWeight` > 0. 0 (the paper's recipe): off. Measured no better than without
        /// (BENCHMARKS.md, eighteenth session).
        public var stepFirst: Double = 0
        /// Drop the last CoT step from the teacher text (the paper's `remove_last_reasoning_step`).
        public var dropLastStep: Bool = true
        public var weightDecay: Double = 0.1
        public var beta1: Double = 0.9
        public var beta2: Double = 0.95
        /// Global gradient-norm clipping (the paper's 2.0).
        public var gradientClip: Double = 2.0
        public var seed: UInt64 = 0
        /// Divergence guard (see the file header); `spikeFactor` 0 disables the spike test.
        public var snapshotInterval: Int = 50
        /// Snapshots kept: rollbacks in a row, with no new snapshot between them, step back one
        /// snapshot each (up to `snapshotsKept` × `snapshotInterval` good steps).
        public var snapshotsKept: Int = 4
        public var spikeFactor: Double = 5
        public var spikeWindow: Int = 50
        /// Spikes in a row that count as divergence (single spikes are applied).
        public var spikePatience: Int = 3
        public var learningRateBackoff: Double = 0.5
        public var maximumRollbacks: Int = 8

        public init() {}

        /// Throws ``TrainingError/invalidArgument(_:)`` naming the first unusable value.
        public func validate() throws {
            func bad(_ m: String) -> TrainingError { .invalidArgument(m) }
            if case .fixed(let n) = latent, n < 0 || n > 64 { throw bad("latent must be a count in 0…64, got \(n)") }
            guard epochs.isFinite, epochs > 0 else { throw bad("epochs must be a positive number, got \(epochs)") }
            guard learningRate.isFinite, learningRate > 0 else { throw bad("lr must be positive, got \(learningRate)") }
            guard batchSize > 0, batchesPerChunk > 0, warmupSteps >= 0 else { throw bad("batch must be at least 1, got \(batchSize)") }
            guard distillWeight >= 0, teacherWeight >= 0, studentWeight >= 0, stepWeight >= 0, stepWeight.isFinite,
                  stepDistillWeight >= 0, stepDistillWeight.isFinite else { throw bad("loss weights must be ≥ 0") }
            if gateAnswer, !(stepWeight > 0) { throw bad("gating the answer on exact chains needs step supervision (step_weight > 0)") }
            if frozenTeacher, stepDistillWeight > 0 { throw bad("a frozen teacher holds the answer targets only, not the per-step ones (step_distill must be 0)") }
            guard curriculum >= 0, curriculum < 1 else { throw bad("curriculum must be a fraction of the run in 0 ..< 1, got \(curriculum)") }
            guard mixed >= 0, mixed <= 1 else { throw bad("mixed must be a fraction of the rows in 0…1, got \(mixed)") }
            guard stepFirst >= 0, stepFirst < 1 else { throw bad("step_first must be a fraction of the run in 0 ..< 1, got \(stepFirst)") }
            if stepFirst > 0, !(stepWeight > 0) { throw bad("training the steps first needs step supervision (step_weight > 0)") }
            guard weightDecay >= 0, gradientClip > 0 else { throw bad("weight decay must be ≥ 0 and the clip norm > 0") }
            guard (0..<1).contains(beta1), (0..<1).contains(beta2) else { throw bad("betas must lie in [0, 1)") }
            guard snapshotInterval > 0, snapshotsKept > 0, spikeWindow > 0, spikePatience > 0, spikeFactor >= 0, maximumRollbacks >= 0,
                  learningRateBackoff > 0, learningRateBackoff <= 1 else { throw bad("invalid divergence-guard settings") }
            if let m = maximumSteps, m <= 0 { throw bad("maximumSteps must be positive, got \(m)") }
            if let t = timeBudget, !(t > 0 && t.isFinite) { throw bad("timeBudget must be positive seconds, got \(t)") }
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

    /// The mixed rows (``Parameters/mixed``) of the batch `indices` at `step`, by example index:
    /// drawn afresh at every step from the run's seed — whether a multi-step row is mixed, and
    /// how many of its S steps (1…S − 1) its latents stand for. A mixed row longer than
    /// `maximumLength` stays all latent.
    static func mixedRows(_ indices: [Int], data: Dataset, examples: [DistillationExample], tokenizer: Tokenizer,
                          parameters p: Parameters, step: Int, maximumLength: Int = .max) -> [Int: DistillationExample] {
        guard p.mixed > 0 else { return [:] }
        var rng = SplitMix64(seed: p.seed &+ 0x4D49_5845 &+ 0x9E37_79B9 &* UInt64(step + 1))
        var rows: [Int: DistillationExample] = [:]
        for i in indices {
            let u = Double.random(in: 0..<1, using: &rng), steps = data[i].stepCount
            guard steps > 1, u < p.mixed else { continue }
            let s = Int.random(in: 1...(steps - 1), using: &rng)
            let row = DistillationExample(data[i], tokenizer: tokenizer, latentCount: examples[i].latentCount,
                                          dropLastStep: p.dropLastStep, writtenFrom: s)
            if row.student.ids.count - 1 <= maximumLength { rows[i] = row }
        }
        return rows
    }

    /// AdamW over the decoder and the filter; weight decay on matrices only.
    static func optimizer(for model: LatentModel, parameters p: Parameters) -> AdamW {
        AdamW.decayingMatrices(model.parameters(), weightDecay: p.weightDecay, beta1: p.beta1, beta2: p.beta2)
    }

    /// Trains `model` in place.
    ///
    /// Events: `.started`, with `frozenTeacher` `.preparing` after each batch of teacher targets,
    /// one `.step` per applied optimizer step (loss = the total loss), `.finished`. `.stop` ends
    /// training at the next step boundary (or before the first step). Metrics: `loss`, `lr`,
    /// `grad_norm`, `tokens_per_s`, `ce_teacher`, `ce_student`, `distill`, `latent_norm` (mean
    /// latent-vector norm of the step), `chain_exact` (with step supervision: the fraction of
    /// rows with supervised steps whose latents decode all of them exactly; one entry per step
    /// whose batch has such rows, so the series can be shorter than `loss`), `answer_rows` (the
    /// fraction of rows the answer was trained on), `latent_norm_by_step` (mean over the run, per latent
    /// index 1…n), `rollback_step` (steps rolled back by the divergence guard), `spike_step`
    /// (applied steps whose loss was a spike), `steps_only` (with `stepFirst`: 1 for the steps
    /// of the step-supervision-only opening, 0 after).
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
        if !p.distillFinal, p.distillWeight > 0, model.base.blocks.count < 2 {
            throw TrainingError.invalidArgument(
                "distill_final: false matches the states between blocks, and a 1-layer model has none: give it 2 or more layers, or weight: 0")
        }
        func stageExamples(_ stage: Int) -> [DistillationExample] {
            data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: p.latent.count(for: $0), dropLastStep: p.dropLastStep,
                                           writtenFrom: stage) }
        }
        // Curriculum stages 1…K−1 write the later steps as text; stage K (`.max`) is all latent.
        let stages = p.curriculum > 0 ? max(1, data.map(\.stepCount).max() ?? 1) : 1
        let finalStage = Int.max
        var examples = stageExamples(stages > 1 ? 1 : finalStage)
        var stage = stages > 1 ? 1 : finalStage
        let maxLength = model.base.configuration.maximumLength
        if let long = examples.first(where: { max($0.teacher.ids.count, $0.student.ids.count) - 1 > maxLength }) {
            throw TrainingError.invalidArgument(
                "a training sequence has \(max(long.teacher.ids.count, long.student.ids.count) - 1) tokens, more than the model's maximum length \(maxLength)")
        }
        let perEpoch = plan(examples, batchSize: p.batchSize, batchesPerChunk: p.batchesPerChunk, epoch: 0, seed: p.seed).count
        let plannedSteps = min(p.maximumSteps ?? Int.max, max(1, Int((p.epochs * Double(perEpoch)).rounded(.up))))
        var guardState = DivergenceGuard(model: model, optimizer: optimizer(for: model, parameters: p), parameters: p)
        var run = TrainingRun()
        var series: [String: [Double]] = [:]
        for key in ["loss", "lr", "grad_norm", "tokens_per_s", "ce_teacher", "ce_student", "distill", "step_ce", "step_distill", "answer_rows", "latent_norm", "rollback_step", "spike_step"] { series[key] = [] }
        var normSums: [Double] = [], normCounts: [Int] = []
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        func finish(interrupted: Bool) -> TrainingRun {
            series["latent_norm_by_step"] = zip(normSums, normCounts).map { $0 / Double(max($1, 1)) }
            run.metrics = series
            run.seconds = elapsed()
            run.interrupted = interrupted
            _ = onEvent(.finished(run))
            return run
        }
        func learningRate(step: Int) -> Double {
            let peak = p.learningRate, floor = peak * p.minimumLearningRateFraction
            if step < p.warmupSteps { return peak * Double(step + 1) / Double(p.warmupSteps) }
            let progress = p.timeBudget.map { min(1, elapsed() / $0) }
                ?? min(1, Double(step - p.warmupSteps) / Double(max(1, plannedSteps - p.warmupSteps)))
            return floor + (peak - floor) * 0.5 * (1 + Foundation.cos(Double.pi * progress))
        }
        /// How far into the run `step` is, from 0 to 1: by the clock with a time budget, else by steps.
        func runProgress(step: Int) -> Double {
            p.timeBudget.map { min(1, elapsed() / $0) } ?? Double(step) / Double(max(1, plannedSteps))
        }
        /// The curriculum stage at `step`: 1…K−1 over the first `curriculum` of the run, then all latent.
        func curriculumStage(step: Int) -> Int {
            guard stages > 1 else { return finalStage }
            let s = 1 + Int(runProgress(step: step) / p.curriculum * Double(stages - 1))
            return s >= stages ? finalStage : s
        }
        /// Whether `step` lies in the step-supervision-only opening of the run (``Parameters/stepFirst``).
        func stepsOnly(step: Int) -> Bool {
            p.stepFirst > 0 && runProgress(step: step) < p.stepFirst
        }
        var opening = p.stepFirst > 0
        var stopRequested = onEvent(.started(totalSteps: plannedSteps, examples: data.count)) == .stop
        // Frozen targets are computed inside the time budget: they are part of the run's cost.
        var frozenTargets: [[Float]]? = nil
        if p.frozenTeacher && !stopRequested {
            frozenTargets = try FrozenTeacher.answerStates(model: model, tokenizer: tokenizer, examples: examples) { done, total in
                onEvent(.preparing(done: done, total: total)) == .continue
            }
            stopRequested = frozenTargets == nil
        }
        var plans: (epoch: Int, batches: [[Int]]) = (-1, [])
        var tokens = 0, step = 0, applied = 0
        let weights = model.parameters()
        // Each step's batch is split by rows across the engine's threads (see DataParallel);
        // the shard losses are weighted by their share of the rows.
        let parallel = try DataParallel(model: model, workers: Sharding.defaultWorkers)
        while step < plannedSteps && !stopRequested {
            if let budget = p.timeBudget, elapsed() >= budget { break }
            let epoch = step / perEpoch
            if plans.epoch != epoch { plans = (epoch, plan(examples, batchSize: p.batchSize, batchesPerChunk: p.batchesPerChunk, epoch: epoch, seed: p.seed)) }
            let nextStage = curriculumStage(step: step)
            if nextStage != stage {
                (stage, examples) = (nextStage, stageExamples(nextStage))
                guardState.objectiveChanged()
            }
            let stepsOnlyNow = stepsOnly(step: step)
            if opening && !stepsOnlyNow {
                opening = false
                guardState.objectiveChanged()
            }
            let indices = plans.batches[step % plans.batches.count]
            let rows = stage == finalStage
                ? mixedRows(indices, data: data, examples: examples, tokenizer: tokenizer, parameters: p, step: step,
                            maximumLength: maxLength) : [:]
            let batches = Sharding.shards(indices, workers: parallel.workers).map { shard in
                var batch = DistillationBatch(shard.map { rows[$0] ?? examples[$0] }, tokenizer: tokenizer,
                                              stepSupervision: p.stepWeight > 0 || p.stepDistillWeight > 0, alignment: p.stepAlignment)
                batch.answerTargets = frozenTargets.map { targets in shard.map { targets[$0] } }
                return batch
            }
            step += 1
            guardState.optimizer.zeroGrad()
            func stepLoss(_ m: LatentModel, _ batch: DistillationBatch) throws -> DistillationLoss {
                try DistillationLoss.compute(model: m, batch: batch, distillWeight: stepsOnlyNow ? 0 : Float(p.distillWeight),
                                             teacherWeight: Float(p.teacherWeight), studentWeight: stepsOnlyNow ? 0 : Float(p.studentWeight),
                                             stepWeight: Float(p.stepWeight), stepDistillWeight: Float(p.stepDistillWeight),
                                             gateAnswer: p.gateAnswer, distillFinal: p.distillFinal)
            }
            let parts = try parallel.map(batches, stepLoss)
            let shares = batches.map { Double($0.size) / Double(indices.count) }
            let loss = DistillationLoss.Summary(parts, shares: shares)
            let value = lossOverride?(step, loss.total) ?? loss.total
            var norm = Double.nan
            // The kind of batch the spike test compares like with like by: its rounded mean step count.
            let kind = Int((Double(indices.reduce(0) { $0 + data[$1].stepCount }) / Double(max(1, indices.count))).rounded())
            let verdict = guardState.judge(value, kind: kind)
            if verdict == .rollBack {
                // judge leaves the window as it was, so the median it measured against is still there.
                run.notes.append(value.isFinite
                    ? "step \(step): \(p.spikePatience) losses in a row above \(p.spikeFactor) × the median "
                        + "of the last \(p.spikeWindow) of their kind (this one \(value) against "
                        + "\(guardState.recentMedian(kind: kind) ?? .nan) for "
                        + "\(kind)-step batches): rolled back"
                    : "step \(step): the loss is not finite (\(value)): rolled back")
                for part in parts { part.total.detachGraph() }
            } else {
                parallel.backward(parts.map(\.total), weights: shares)
                norm = Double(clipGradientNorm(weights, maxNorm: Float(p.gradientClip)))
            }
            if verdict == .spike { series["spike_step"]!.append(Double(step)) }
            guard norm.isFinite else {
                if verdict != .rollBack {
                    // A finite loss with a gradient that is not: say where it came from.
                    run.notes.append(NonFiniteDiagnosis.describe(step: step, model: model, shards: batches) {
                        try stepLoss($0, $1).total
                    })
                }
                guardState.optimizer.zeroGrad()
                series["rollback_step"]!.append(Double(step))
                if try !guardState.rollBack() {
                    _ = finish(interrupted: true)
                    throw TrainingError.nonFinite(step: step, loss: value)
                }
                continue
            }
            let lr = learningRate(step: step - 1) * guardState.learningRateScale
            guardState.optimizer.step(learningRate: Float(lr))
            applied += 1
            guardState.record(value, kind: kind, appliedSteps: applied)
            let batchTokens = batches.reduce(0) { sum, batch in
                sum + batch.teacherTokens + batch.shared.prefix.lengths.reduce(0, +) + batch.size * (batch.latentCount + 1)
                    + batch.tail.lengths.reduce(0, +)
            }
            let targetTokens = batches.reduce(0) { sum, batch in
                sum + batch.teacherTargetTokens + batch.tailTargets.filter { $0 != ModelOps.ignoredTarget }.count
            }
            tokens += batchTokens
            for (k, n) in loss.latentNorms.enumerated() {
                if normSums.count <= k { normSums.append(0); normCounts.append(0) }
                normSums[k] += n
                normCounts[k] += 1
            }
            let seconds = elapsed()
            let report = TrainingStep(
                step: step, totalSteps: plannedSteps, epoch: epoch, loss: value, learningRate: lr, gradientNorm: norm,
                targetTokens: targetTokens,
                tokens: batchTokens, elapsed: seconds, tokensPerSecond: Double(tokens) / max(seconds, 1e-9))
            run.losses.append(value)
            run.steps = step
            series["loss"]!.append(value)
            series["lr"]!.append(lr)
            series["grad_norm"]!.append(norm)
            series["tokens_per_s"]!.append(report.tokensPerSecond)
            series["ce_teacher"]!.append(loss.teacherCE)
            series["ce_student"]!.append(loss.studentCE)
            series["distill"]!.append(loss.distillation)
            series["step_ce"]!.append(loss.stepCE)
            series["step_distill"]!.append(loss.stepDistillation)
            if let exact = loss.chainExact { series["chain_exact", default: []].append(exact) }
            series["answer_rows"]!.append(Double(loss.answerRows) / Double(indices.count))
            if stages > 1 { series["stage", default: []].append(Double(min(stage, stages))) }
            if p.stepFirst > 0 { series["steps_only", default: []].append(stepsOnlyNow ? 1 : 0) }
            series["latent_norm"]!.append(loss.latentNorms.isEmpty ? 0 : loss.latentNorms.reduce(0, +) / Double(loss.latentNorms.count))
            if onEvent(.step(report)) == .stop { stopRequested = true }
        }
        run.steps = step
        return finish(interrupted: stopRequested && step < plannedSteps)
    }
}

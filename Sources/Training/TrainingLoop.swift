// TrainingLoop: the one optimizer-step loop of every trainer (sft, distill, rl). It owns the
// clock, the budget (planned optimizer steps, or seconds), warm-up + cosine (CosineSchedule),
// AdamW with clipping, the divergence guard, the events and the metric series; a trainer
// supplies only its step — a loss and how to get its gradients — and, where it needs them, hooks
// after a step and at the end.

import Foundation
import TensorCore

/// The optimizer settings every trainer shares: AdamW with weight decay on matrices only,
/// linear warm-up then cosine decay to a floor (``CosineSchedule``), global gradient-norm
/// clipping. Each trainer's Parameters holds one, with that trainer's defaults.
public struct OptimizerSettings: Sendable, Equatable {
    /// Peak learning rate.
    public var learningRate: Double
    /// Final learning rate as a fraction of the peak (the cosine's floor).
    public var minimumLearningRateFraction: Double
    /// Linear warm-up steps.
    public var warmupSteps: Int
    /// AdamW's weight decay (on matrices only, never on norm weights or biases) and betas; ε 1e-8.
    public var weightDecay: Double
    public var beta1: Double
    public var beta2: Double
    /// Global gradient-norm clipping.
    public var gradientClip: Double

    public init(learningRate: Double, minimumLearningRateFraction: Double, warmupSteps: Int, weightDecay: Double,
                beta1: Double, beta2: Double, gradientClip: Double) {
        self.learningRate = learningRate
        self.minimumLearningRateFraction = minimumLearningRateFraction
        self.warmupSteps = warmupSteps
        self.weightDecay = weightDecay
        self.beta1 = beta1
        self.beta2 = beta2
        self.gradientClip = gradientClip
    }

    /// Throws ``TrainingError/invalidArgument(_:)`` naming the first unusable value.
    public func validate() throws {
        func bad(_ m: String) -> TrainingError { .invalidArgument(m) }
        guard learningRate.isFinite, learningRate > 0 else { throw bad("lr must be positive, got \(learningRate)") }
        guard warmupSteps >= 0 else { throw bad("warmup must be 0 or more, got \(warmupSteps)") }
        guard minimumLearningRateFraction >= 0, minimumLearningRateFraction <= 1 else {
            throw bad("the cosine's floor must be a fraction of the peak in 0…1, got \(minimumLearningRateFraction)")
        }
        guard weightDecay >= 0, gradientClip > 0 else { throw bad("weight decay must be ≥ 0 and the clip norm > 0") }
        guard (0..<1).contains(beta1), (0..<1).contains(beta2) else { throw bad("betas must lie in [0, 1)") }
    }

    /// AdamW over `parameters` with weight decay on matrices (rank ≥ 2) only.
    func adamW(_ parameters: [Tensor]) -> AdamW {
        AdamW(groups: [
            ParameterGroup(parameters: parameters.filter { $0.rank >= 2 }, weightDecay: Float(weightDecay)),
            ParameterGroup(parameters: parameters.filter { $0.rank < 2 }, weightDecay: 0),
        ], beta1: Float(beta1), beta2: Float(beta2), epsilon: 1e-8)
    }

    /// The schedule of a run of `totalSteps` optimizer steps.
    func schedule(totalSteps: Int) -> CosineSchedule {
        CosineSchedule(peak: learningRate, warmupSteps: warmupSteps, totalSteps: totalSteps,
                       floor: learningRate * minimumLearningRateFraction)
    }
}

/// One run of optimizer steps.
struct TrainingLoop {
    let weights: [Tensor]
    let optimizer: AdamW
    let settings: OptimizerSettings
    /// Optimizer steps planned (the cosine ends there unless a time budget sets its pace).
    let plannedSteps: Int
    /// Seconds; when set the cosine runs on time and the loop stops when they are spent.
    let timeBudget: Double?
    let guardSettings: DivergenceGuardSettings?

    init(weights: [Tensor], settings: OptimizerSettings, plannedSteps: Int, timeBudget: Double?,
         divergenceGuard: DivergenceGuardSettings?) {
        self.weights = weights
        self.settings = settings
        optimizer = settings.adamW(weights)
        self.plannedSteps = plannedSteps
        self.timeBudget = timeBudget
        guardSettings = divergenceGuard
    }

    /// Where a step stands when the trainer hands it over.
    struct Context {
        /// 0-based index of the step.
        let index: Int
        /// How far into the run the step is, from 0 to 1: by the clock under a time budget, else
        /// by steps.
        let progress: Double
        /// Seconds since the run began.
        let elapsed: () -> Double
    }

    /// A step the trainer computed: its loss, and how to get (or drop) its gradients.
    struct Step {
        var loss: Double
        /// The epoch its batch came from.
        var epoch = 0
        /// All (non-padding) and target tokens of the batch (GRPO: its actions, twice).
        var tokens = 0
        var targetTokens = 0
        /// The divergence guard compares a loss with the recent losses of the same kind.
        var kind = 0
        /// The objective changed with this step (a curriculum stage): the guard's window of
        /// recent losses starts afresh.
        var newObjective = false
        /// Computes the gradients (nothing, when the trainer computed them with the loss).
        var backward: () throws -> Void = {}
        /// Frees what the loss holds when the step is rolled back instead of applied.
        var discard: () -> Void = {}
        /// One line on where a non-finite gradient came from (for the run's notes).
        var diagnose: (() -> String)? = nil
        /// Runs right after the optimizer's update (GRPO scales the stop head's update there).
        var afterUpdate: () -> Void = {}
        /// The step's own series, read after the update: appended to the run's metrics.
        var figures: () -> [(String, Double)] = { [] }
        /// The figures an event shows (``TrainingStep/metrics``).
        var shown: () -> [String: Double] = { [:] }
    }

    /// What the trainer's step returns.
    enum Outcome {
        case computed(Step)
        /// Nothing to learn from this batch: the step counts, but nothing is applied.
        case skipped
        /// A stop request arrived inside the step: it is dropped and the run ends interrupted.
        case abandoned
    }

    /// Runs until the planned steps, the time budget or a stop request.
    ///
    /// Events: `.started`, one `.step` per applied update, `.finished` (also before an error is
    /// thrown). A non-finite loss or gradient throws ``TrainingError/nonFinite(step:loss:)``
    /// without the guard (the update is not applied); with it, the step rolls back, and the
    /// error comes once the guard gives up. `prepare()` runs once after `.started` and returns
    /// true to stop; `afterStep(step)` runs after every applied step that did not end the run
    /// and returns true to stop; `finishing(interrupted, steps, &series)` adds the run's closing
    /// figures (after a failure too, with `interrupted` true).
    func run(
        examples: Int, series keys: [String] = [], onEvent: (TrainingEvent) -> TrainingControl,
        prepare: () throws -> Bool = { false },
        step compute: (Context) throws -> Outcome,
        afterStep: (Int) throws -> Bool = { _ in false },
        finishing: (_ interrupted: Bool, _ steps: Int, _ series: inout [String: [Double]]) throws -> Void = { _, _, _ in }
    ) throws -> TrainingRun {
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        let schedule = settings.schedule(totalSteps: plannedSteps)
        func progress(_ step: Int) -> Double {
            timeBudget.map { min(1, elapsed() / $0) } ?? Double(step) / Double(max(1, plannedSteps))
        }
        var guardian = guardSettings.map { DivergenceGuard(weights: weights, optimizer: optimizer, settings: $0) }
        var run = TrainingRun()
        var series: [String: [Double]] = [:]
        for key in ["loss", "lr", "grad_norm", "tokens_per_s"] + (guardian == nil ? [] : ["rollback_step", "spike_step"]) + keys {
            series[key] = []
        }
        var step = 0, applied = 0, tokens = 0, lastApplied = 0
        /// The run as it stands; after a failure it counts the steps up to the last applied one.
        func finish(interrupted: Bool, failed: Bool = false) throws -> TrainingRun {
            if failed { try? finishing(interrupted, step, &series) } else { try finishing(interrupted, step, &series) }
            run.metrics = series
            run.seconds = elapsed()
            run.interrupted = interrupted
            run.steps = failed ? lastApplied : step
            _ = onEvent(.finished(run))
            return run
        }
        var stopRequested = onEvent(.started(totalSteps: plannedSteps, examples: examples)) == .stop
        if try prepare() { stopRequested = true }
        while step < plannedSteps && !stopRequested {
            if let budget = timeBudget, elapsed() >= budget { break }
            optimizer.zeroGrad()
            let outcome = try compute(Context(index: step, progress: progress(step), elapsed: elapsed))
            let s: Step
            switch outcome {
            case .skipped:
                step += 1
                continue
            case .abandoned:
                optimizer.zeroGrad()
                stopRequested = true
                continue
            case .computed(let computed):
                s = computed
            }
            step += 1
            if s.newObjective { guardian?.objectiveChanged() }
            let verdict = guardian?.judge(s.loss, kind: s.kind) ?? (s.loss.isFinite ? .apply : .rollBack)
            var norm = Double.nan
            if verdict == .rollBack {
                if let g = guardian {
                    // judge leaves the window as it was, so the median it measured against is still there.
                    let p = g.parameters
                    run.notes.append(s.loss.isFinite
                        ? "step \(step): \(p.spikePatience) losses in a row above \(p.spikeFactor) × the median "
                            + "of the last \(p.spikeWindow) of their kind (this one \(s.loss) against "
                            + "\(g.recentMedian(kind: s.kind) ?? .nan) for \(s.kind)-step batches): rolled back"
                        : "step \(step): the loss is not finite (\(s.loss)): rolled back")
                }
                s.discard()
            } else {
                try s.backward()
                norm = Double(clipGradientNorm(weights, maxNorm: Float(settings.gradientClip)))
            }
            if verdict == .spike { series["spike_step", default: []].append(Double(step)) }
            guard norm.isFinite else {
                if verdict != .rollBack, guardian != nil, let diagnose = s.diagnose {
                    // A finite loss with a gradient that is not: say where it came from.
                    run.notes.append(diagnose())
                }
                optimizer.zeroGrad()
                if guardian != nil { series["rollback_step", default: []].append(Double(step)) }
                guard try guardian?.rollBack() == true else {
                    _ = try finish(interrupted: true, failed: true)
                    throw TrainingError.nonFinite(step: step, loss: s.loss)
                }
                continue
            }
            let lr = schedule(step - 1, progress: timeBudget.map { min(1, elapsed() / $0) }) * (guardian?.learningRateScale ?? 1)
            optimizer.step(learningRate: Float(lr))
            s.afterUpdate()
            applied += 1
            lastApplied = step
            guardian?.record(s.loss, kind: s.kind, appliedSteps: applied)
            tokens += s.tokens
            let seconds = elapsed()
            var report = TrainingStep(
                step: step, totalSteps: plannedSteps, epoch: s.epoch, loss: s.loss, learningRate: lr, gradientNorm: norm,
                targetTokens: s.targetTokens, tokens: s.tokens, elapsed: seconds,
                tokensPerSecond: Double(tokens) / max(seconds, 1e-9))
            report.metrics = s.shown()
            run.losses.append(s.loss)
            for (key, value) in [("loss", s.loss), ("lr", lr), ("grad_norm", norm), ("tokens_per_s", report.tokensPerSecond)]
                + s.figures() {
                series[key, default: []].append(value)
            }
            if onEvent(.step(report)) == .stop {
                stopRequested = true
            } else if try afterStep(step) {
                stopRequested = true
            }
        }
        return try finish(interrupted: stopRequested && step < plannedSteps)
    }
}

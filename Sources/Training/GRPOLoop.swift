// The bookkeeping of a GRPO run: clock, learning-rate schedule, per-step and validation series,
// and the best validated weights kept in memory.

import Foundation
import Models
import TensorCore

/// Clock, schedule and metric series of one GRPO run.
struct GRPOLoop {
    let parameters: GRPOTrainer.Parameters
    let weights: [Tensor]
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var run = TrainingRun()
    private var series: [String: [Double]] = [:]
    private var actions = 0

    init(parameters: GRPOTrainer.Parameters, weights: [Tensor]) {
        self.parameters = parameters
        self.weights = weights
        start = clock.now
        for key in Self.stepKeys + ["val_step", "val_accuracy", "val_length"] { series[key] = [] }
    }

    static let stepKeys = ["loss", "lr", "grad_norm", "tokens_per_s", "reward", "accuracy", "length", "malformed", "kl",
                           "stop_entropy", "at_cutoff", "sample_seconds", "update_seconds"]

    /// AdamW over every weight of the model; weight decay on matrices only.
    static func optimizer(for model: LatentModel, parameters p: GRPOTrainer.Parameters) -> AdamW {
        AdamW.decayingMatrices(model.parameters(), weightDecay: p.weightDecay, beta1: p.beta1, beta2: p.beta2)
    }

    /// Seconds since the run began.
    func elapsed() -> Double {
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Linear warm-up to the peak, then cosine to `minimumLearningRateFraction` of it (on time
    /// when a time budget is set).
    func learningRate(step: Int) -> Double {
        let p = parameters
        let peak = p.learningRate, floor = peak * p.minimumLearningRateFraction
        if step < p.warmupSteps { return peak * Double(step + 1) / Double(p.warmupSteps) }
        let progress = p.timeBudget.map { min(1, elapsed() / $0) }
            ?? min(1, Double(step - p.warmupSteps) / Double(max(1, p.steps - p.warmupSteps)))
        return floor + (peak - floor) * 0.5 * (1 + Foundation.cos(Double.pi * progress))
    }

    /// Records a completed update and returns its event.
    mutating func record(step: Int, loss: Double, learningRate: Double, gradientNorm: Double, actions count: Int,
                         figures f: GRPOBatch.Figures, kl: Double, atCutoff: Double, sampleSeconds: Double,
                         updateSeconds: Double) -> TrainingStep {
        actions += count
        let seconds = elapsed()
        var report = TrainingStep(step: step, totalSteps: parameters.steps, epoch: 0, loss: loss, learningRate: learningRate,
                                  gradientNorm: gradientNorm, targetTokens: count, tokens: count, elapsed: seconds,
                                  tokensPerSecond: Double(actions) / max(seconds, 1e-9))
        report.metrics = ["reward": f.reward, "accuracy": f.accuracy, "length": f.length, "kl": kl, "stop_entropy": f.stopEntropy]
        let values = [loss, learningRate, gradientNorm, report.tokensPerSecond, f.reward, f.accuracy, f.length, f.malformed, kl,
                      f.stopEntropy, atCutoff, sampleSeconds, updateSeconds]
        for (key, value) in zip(Self.stepKeys, values) { series[key]!.append(value) }
        run.losses.append(loss)
        run.steps = step
        return report
    }

    /// Records one validation.
    mutating func record(validation step: Int, accuracy: Double, length: Double) {
        series["val_step"]!.append(Double(step))
        series["val_accuracy"]!.append(accuracy)
        series["val_length"]!.append(length)
    }

    /// Records the size of the validation set.
    mutating func record(validationExamples count: Int) { series["validation_examples"] = [Double(count)] }

    /// Records how many training prompts were too long to use.
    mutating func record(droppedPrompts count: Int) { series["dropped_prompts"] = [Double(count)] }

    /// Records the selected checkpoint.
    mutating func record(best: BestWeights) {
        guard let b = best.best else { return }
        series["best_step"] = [Double(b.step)]
        series["best_accuracy"] = [b.accuracy]
        series["best_length"] = [b.length]
        if let floor = best.floor { series["selection_floor"] = [floor] }
    }

    /// The run so far.
    func finish(interrupted: Bool) -> TrainingRun {
        var out = run
        out.metrics = series
        out.seconds = elapsed()
        out.interrupted = interrupted
        return out
    }
}

/// The best validated weights of a run, copied in memory, under one of the
/// ``GRPOTrainer/Selection`` rules.
struct BestWeights {
    let weights: [Tensor]
    let rule: GRPOTrainer.Selection
    /// Validation examples (for the standard error of an accuracy).
    let examples: Int
    private(set) var best: (step: Int, accuracy: Double, length: Double)?
    /// `.shortest`: the accuracy a validation must reach to be chosen — the first validation's
    /// (the starting model's) minus one binomial standard error √(p(1−p)/n).
    private(set) var floor: Double?
    private var snapshot: [[Float]] = []
    /// The step of the latest validation offered.
    private(set) var lastOffered: Int?

    init(weights: [Tensor], rule: GRPOTrainer.Selection = .accuracy, examples: Int = 1) {
        self.weights = weights
        self.rule = rule
        self.examples = max(1, examples)
    }

    /// Keeps the current weights when they beat the best so far under the rule: `.accuracy` —
    /// a higher accuracy, or an equal one with a shorter mean length; `.shortest` — an accuracy
    /// at or above the floor and a shorter mean length (ties: the higher accuracy).
    mutating func offer(step: Int, accuracy: Double, length: Double) {
        lastOffered = step
        if let b = best {
            switch rule {
            case .accuracy:
                if accuracy < b.accuracy || (accuracy == b.accuracy && length >= b.length) { return }
            case .shortest:
                if accuracy < floor! - 1e-12 || length > b.length || (length == b.length && accuracy <= b.accuracy) { return }
            }
        } else if rule == .shortest {
            floor = accuracy - (accuracy * (1 - accuracy) / Double(examples)).squareRoot()
        }
        best = (step, accuracy, length)
        snapshot = weights.map(\.scalars)
    }

    /// Copies the best weights back into the model.
    func restore() {
        guard !snapshot.isEmpty else { return }
        for (w, values) in zip(weights, snapshot) {
            values.withUnsafeBufferPointer { w.data.update(from: $0.baseAddress!, count: w.count) }
        }
    }
}

// OptimizerLoop: the step loop shared by the token-level trainers — forward, loss, finite
// check, backward, clipping, AdamW with a cosine schedule, events, stop requests.

import Foundation
import Models
import TensorCore

/// One run of optimizer steps over batches supplied by the caller.
struct OptimizerLoop {
    let model: LlamaModel
    let parameters: SFTTrainer.Parameters
    let plannedSteps: Int

    init(model: LlamaModel, parameters: SFTTrainer.Parameters, plannedSteps: Int) {
        self.model = model
        self.parameters = parameters
        self.plannedSteps = plannedSteps
    }

    /// AdamW with weight decay on matrices only (norm weights are vectors).
    static func optimizer(for model: LlamaModel, parameters p: SFTTrainer.Parameters) -> AdamW {
        AdamW.decayingMatrices(model.parameters(), weightDecay: p.weightDecay, beta1: p.beta1, beta2: p.beta2)
    }

    /// Runs until the planned steps, the time budget or a stop request. `nextBatch(step,
    /// workers)` returns the batch of 0-based step `step` cut into at most `workers` shards
    /// (see ``DataParallel``), and its epoch.
    func run(
        examples: Int, workers: Int = Sharding.defaultWorkers, onEvent: (TrainingEvent) -> TrainingControl,
        nextBatch: (_ step: Int, _ workers: Int) throws -> ([TrainingBatch], Int)
    ) throws -> TrainingRun {
        let p = parameters
        let optimizer = Self.optimizer(for: model, parameters: p)
        let parallel = try DataParallel(model: model, workers: workers)
        let weights = model.parameters()
        let peak = p.learningRate
        let floor = peak * p.minimumLearningRateFraction
        var run = TrainingRun()
        var series: [String: [Double]] = ["loss": [], "lr": [], "grad_norm": [], "tokens_per_s": []]
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        func finish(interrupted: Bool) -> TrainingRun {
            run.metrics = series
            run.seconds = elapsed()
            run.interrupted = interrupted
            _ = onEvent(.finished(run))
            return run
        }
        /// Cosine from peak to floor after a linear warm-up; on time when a budget is set.
        func learningRate(step: Int) -> Double {
            if step < p.warmupSteps { return peak * Double(step + 1) / Double(p.warmupSteps) }
            let progress: Double
            if let budget = p.timeBudget {
                progress = min(1, elapsed() / budget)
            } else {
                progress = min(1, Double(step - p.warmupSteps) / Double(max(1, plannedSteps - p.warmupSteps)))
            }
            return floor + (peak - floor) * 0.5 * (1 + Foundation.cos(Double.pi * progress))
        }
        var stopRequested = onEvent(.started(totalSteps: plannedSteps, examples: examples)) == .stop
        var tokens = 0
        var step = 0
        while step < plannedSteps && !stopRequested {
            if let budget = p.timeBudget, elapsed() >= budget { break }
            let (shards, epoch) = try nextBatch(step, parallel.workers)
            let batchTokens = shards.reduce(0) { $0 + $1.tokens }
            let targetTokens = shards.reduce(0) { $0 + $1.targetTokens }
            guard targetTokens > 0 else { step += 1; continue }
            optimizer.zeroGrad()
            let value = try parallel.lossAndGradients(shards, targetTokens: \.targetTokens) { model, shard in
                try SFTTrainer.loss(model: model, batch: shard)
            }
            guard value.isFinite else {
                optimizer.zeroGrad()
                _ = finish(interrupted: true)
                throw TrainingError.nonFinite(step: step + 1, loss: value)
            }
            let norm = Double(clipGradientNorm(weights, maxNorm: Float(p.gradientClip)))
            guard norm.isFinite else {
                optimizer.zeroGrad()
                _ = finish(interrupted: true)
                throw TrainingError.nonFinite(step: step + 1, loss: value)
            }
            let lr = learningRate(step: step)
            optimizer.step(learningRate: Float(lr))
            step += 1
            tokens += batchTokens
            let seconds = elapsed()
            let report = TrainingStep(
                step: step, totalSteps: plannedSteps, epoch: epoch, loss: value, learningRate: lr,
                gradientNorm: norm, targetTokens: targetTokens, tokens: batchTokens,
                elapsed: seconds, tokensPerSecond: Double(tokens) / max(seconds, 1e-9))
            run.losses.append(value)
            run.steps = step
            series["loss"]!.append(value)
            series["lr"]!.append(lr)
            series["grad_norm"]!.append(norm)
            series["tokens_per_s"]!.append(report.tokensPerSecond)
            if onEvent(.step(report)) == .stop { stopRequested = true }
        }
        return finish(interrupted: stopRequested && step < plannedSteps)
    }
}

extension AdamW {
    /// The trainers' AdamW: weight decay on matrices (rank ≥ 2) only, never on norm weights or
    /// biases; ε 1e-8.
    static func decayingMatrices(_ parameters: [Tensor], weightDecay: Double, beta1: Double, beta2: Double) -> AdamW {
        AdamW(groups: [
            ParameterGroup(parameters: parameters.filter { $0.rank >= 2 }, weightDecay: Float(weightDecay)),
            ParameterGroup(parameters: parameters.filter { $0.rank < 2 }, weightDecay: 0),
        ], beta1: Float(beta1), beta2: Float(beta2), epsilon: 1e-8)
    }
}

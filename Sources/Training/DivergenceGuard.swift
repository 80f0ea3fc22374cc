// DivergenceGuard: snapshots of the weights and optimizer moments, and the rule that decides
// when a distillation step is rolled back (see DistillationTrainer's header).

import Models
import TensorCore

/// Keeps the last good weights and AdamW state of a run and restores them on divergence.
struct DivergenceGuard {
    let model: LatentModel
    let optimizer: AdamW
    let parameters: DistillationTrainer.Parameters
    /// Multiplies the scheduled learning rate; halved (by default) on every rollback.
    private(set) var learningRateScale: Double = 1
    private(set) var rollbacks = 0
    private var recent: [Double] = []
    private var snapshot: (weights: [[Float]], moments: [String: Tensor], step: Int, recent: [Double])

    init(model: LatentModel, optimizer: AdamW, parameters: DistillationTrainer.Parameters) {
        self.model = model
        self.optimizer = optimizer
        self.parameters = parameters
        snapshot = ([], [:], 0, [])
        snapshot = takeSnapshot()
    }

    private func takeSnapshot() -> (weights: [[Float]], moments: [String: Tensor], step: Int, recent: [Double]) {
        let state = optimizer.stateTensors()
        // stateTensors shares the moments' memory: copy it.
        let moments = state.tensors.mapValues { Tensor($0.scalars, shape: $0.shape) }
        return (model.parameters().map(\.scalars), moments, state.step, recent)
    }

    /// Whether a step with this loss may be applied: finite, and (once `spikeWindow` losses
    /// were accepted) at most `spikeFactor` × their mean.
    func accepts(_ loss: Double) -> Bool {
        guard loss.isFinite else { return false }
        let p = parameters
        guard p.spikeFactor > 0, recent.count >= p.spikeWindow else { return true }
        let mean = recent.reduce(0, +) / Double(recent.count)
        return loss <= p.spikeFactor * mean
    }

    /// Records an applied step's loss; snapshots every `snapshotInterval` applied steps.
    mutating func record(_ loss: Double, appliedSteps: Int) {
        recent.append(loss)
        if recent.count > parameters.spikeWindow { recent.removeFirst(recent.count - parameters.spikeWindow) }
        if appliedSteps % parameters.snapshotInterval == 0 { snapshot = takeSnapshot() }
    }

    /// Restores the last snapshot and lowers the learning rate; false once the rollback budget
    /// is spent (nothing is restored then).
    mutating func rollBack() throws -> Bool {
        guard rollbacks < parameters.maximumRollbacks else { return false }
        rollbacks += 1
        for (t, values) in zip(model.parameters(), snapshot.weights) {
            values.withUnsafeBufferPointer { t.data.update(from: $0.baseAddress!, count: t.count) }
        }
        try optimizer.loadState(snapshot.moments, step: snapshot.step)
        recent = snapshot.recent
        learningRateScale *= parameters.learningRateBackoff
        return true
    }
}

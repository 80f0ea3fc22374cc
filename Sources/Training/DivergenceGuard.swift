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
    /// The last `spikeWindow` applied losses of each kind of batch (``judge(_:kind:)``).
    private var recent: [Int: [Double]] = [:]
    /// Spikes in a row since the last applied step.
    private var consecutiveSpikes = 0
    private typealias Snapshot = (weights: [[Float]], moments: [String: Tensor], step: Int, recent: [Int: [Double]])
    /// The last `snapshotsKept` snapshots, oldest first.
    private var snapshots: [Snapshot] = []
    /// Whether the newest snapshot has been restored since it was taken: a second rollback
    /// before the next snapshot means the newest one is itself past the trouble, so the guard
    /// drops it and goes one snapshot further back.
    private var newestRestored = false
    /// Applied steps since the last rollback: a snapshot is taken only once a full interval of
    /// them has passed, so a snapshot never holds weights that have just failed.
    private var stepsSinceRollback: Int

    init(model: LatentModel, optimizer: AdamW, parameters: DistillationTrainer.Parameters) {
        self.model = model
        self.optimizer = optimizer
        self.parameters = parameters
        stepsSinceRollback = parameters.snapshotInterval
        snapshots = [takeSnapshot()]
    }

    private func takeSnapshot() -> Snapshot {
        let state = optimizer.stateTensors()
        // stateTensors shares the moments' memory: copy it.
        let moments = state.tensors.mapValues { Tensor($0.scalars, shape: $0.shape) }
        return (model.parameters().map(\.scalars), moments, state.step, recent)
    }

    /// What the trainer does with a step whose loss is `loss`.
    enum Verdict: Equatable {
        /// Apply the gradients.
        case apply
        /// Apply the gradients, but note the step as a spike (metrics["spike_step"]).
        case spike
        /// Restore the last snapshot and lower the learning rate (NaN/inf, or a run of spikes).
        case rollBack
    }

    /// Judges a step: not finite → roll back; above `spikeFactor` × the median of the last
    /// `spikeWindow` applied losses of batches of the same `kind` (once that many exist) → a
    /// spike, applied (the gradient clip bounds its update) unless it is the `spikePatience`-th
    /// spike in a row, which rolls back. Why not every spike: a single batch can cross a tight
    /// threshold without anything being wrong with the weights; a diverging run stays high.
    /// Why by kind: batches are sorted by length, so a batch holds problems of one difficulty,
    /// and late in a run the mean loss per target token of a batch of 1-step problems (mostly
    /// the hard answer digits) is 5–10 times the median over all batches (mostly easy tokens of
    /// longer problems). Measured against that one median, a quarter of all batches were
    /// spikes, three came in a row every few dozen steps, and healthy runs were rolled back
    /// eight times and stopped (BENCHMARKS.md, twenty-fifth session); the trainer passes the
    /// batch's rounded mean step count as its kind.
    mutating func judge(_ loss: Double, kind: Int = 0) -> Verdict {
        guard loss.isFinite else { consecutiveSpikes = 0; return .rollBack }
        let p = parameters
        guard p.spikeFactor > 0, let median = recentMedian(kind: kind) else { consecutiveSpikes = 0; return .apply }
        guard loss > p.spikeFactor * median else { consecutiveSpikes = 0; return .apply }
        consecutiveSpikes += 1
        if consecutiveSpikes >= p.spikePatience { consecutiveSpikes = 0; return .rollBack }
        return .spike
    }

    /// The median of the recent applied losses of batches of `kind`, which the spike test
    /// measures against (nil before `spikeWindow` of them exist).
    func recentMedian(kind: Int = 0) -> Double? {
        guard let losses = recent[kind], losses.count >= parameters.spikeWindow, !losses.isEmpty else { return nil }
        return BenchmarkClock.median(losses)
    }

    /// Records an applied step's loss; snapshots every `snapshotInterval` applied steps once that
    /// many have passed since the last rollback, keeping the last `snapshotsKept`. A spike
    /// (the last judged step) neither enters the window of recent losses — else a run of spikes
    /// would raise the median it is measured against — nor triggers a snapshot.
    mutating func record(_ loss: Double, kind: Int = 0, appliedSteps: Int) {
        guard consecutiveSpikes == 0 else { return }
        var losses = recent[kind] ?? []
        losses.append(loss)
        if losses.count > parameters.spikeWindow { losses.removeFirst(losses.count - parameters.spikeWindow) }
        recent[kind] = losses
        stepsSinceRollback += 1
        if appliedSteps % parameters.snapshotInterval == 0, stepsSinceRollback >= parameters.snapshotInterval {
            snapshots.append(takeSnapshot())
            if snapshots.count > parameters.snapshotsKept { snapshots.removeFirst(snapshots.count - parameters.snapshotsKept) }
            newestRestored = false
        }
    }

    /// Forgets the recent losses: the objective changed (a curriculum stage), so the old
    /// median says nothing about the new losses, and a higher loss is not a spike. Spike checks
    /// resume once `spikeWindow` losses of the new objective are recorded; NaN/inf still rolls
    /// back at once, to the last snapshot.
    mutating func objectiveChanged() {
        recent = [:]
        consecutiveSpikes = 0
    }

    /// Restores the last snapshot and lowers the learning rate; false once the rollback budget
    /// is spent (nothing is restored then). Rolling back again before a new snapshot is taken
    /// restores the one before it (while more than one is kept): weights that diverge again
    /// right after being restored are already past the point of trouble (a run's gradients
    /// can turn non-finite while its loss still looks normal, so the snapshot was taken).
    mutating func rollBack() throws -> Bool {
        guard rollbacks < parameters.maximumRollbacks else { return false }
        rollbacks += 1
        if newestRestored, snapshots.count > 1 { snapshots.removeLast() }
        newestRestored = true
        stepsSinceRollback = 0
        let snapshot = snapshots[snapshots.count - 1]
        for (t, values) in zip(model.parameters(), snapshot.weights) {
            values.withUnsafeBufferPointer { t.data.update(from: $0.baseAddress!, count: t.count) }
        }
        try optimizer.loadState(snapshot.moments, step: snapshot.step)
        recent = snapshot.recent
        learningRateScale *= parameters.learningRateBackoff
        return true
    }
}

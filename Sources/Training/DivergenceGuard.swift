// DivergenceGuard: snapshots of the weights and optimizer moments, and the rule that decides
// when a step is rolled back. Any trainer can turn it on (its Parameters' `divergenceGuard`);
// distillation does by default, because the paper's authors warn that latent SFT "randomly
// diverges".
//
// A copy of the weights and AdamW moments is taken every `snapshotInterval` good steps. A step
// whose loss exceeds `spikeFactor` × the median of the last `spikeWindow` applied losses of
// batches of its kind (only once that many exist) is a spike: applied, and recorded in
// metrics["spike_step"]. A step whose loss or gradient norm is not finite, or the
// `spikePatience`-th spike in a row, is not applied and rolls back: the model and the optimizer
// go back to the snapshot, the learning rate is multiplied by `learningRateBackoff`, the step
// number is recorded in metrics["rollback_step"], and training goes on with the next batch. The
// last `snapshotsKept` snapshots are kept, each taken only after `snapshotInterval` clean steps
// since the last rollback; a rollback before a new snapshot exists goes one snapshot further
// back (weights that fail again so soon are themselves past the trouble). After
// `maximumRollbacks` rollbacks the trainer gives up with TrainingError.nonFinite. A new
// objective (a curriculum stage) empties the window of recent losses, so spike checks restart
// after `spikeWindow` steps.

import TensorCore

/// The settings of the divergence guard (see DivergenceGuard.swift); `spikeFactor` 0 disables
/// the spike test.
public struct DivergenceGuardSettings: Sendable, Equatable {
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

    /// Throws ``TrainingError/invalidArgument(_:)`` when a setting is unusable.
    public func validate() throws {
        guard snapshotInterval > 0, snapshotsKept > 0, spikeWindow > 0, spikePatience > 0, spikeFactor >= 0, maximumRollbacks >= 0,
              learningRateBackoff > 0, learningRateBackoff <= 1 else { throw TrainingError.invalidArgument("invalid divergence-guard settings") }
    }
}

/// Keeps the last good weights and AdamW state of a run and restores them on divergence.
struct DivergenceGuard {
    let weights: [Tensor]
    let optimizer: AdamW
    let parameters: DivergenceGuardSettings
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

    init(weights: [Tensor], optimizer: AdamW, settings: DivergenceGuardSettings) {
        self.weights = weights
        self.optimizer = optimizer
        parameters = settings
        stepsSinceRollback = settings.snapshotInterval
        snapshots = [takeSnapshot()]
    }

    private func takeSnapshot() -> Snapshot {
        let state = optimizer.stateTensors()
        // stateTensors shares the moments' memory: copy it.
        let moments = state.tensors.mapValues { Tensor($0.scalars, shape: $0.shape) }
        return (weights.map(\.scalars), moments, state.step, recent)
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
    /// eight times and stopped (measured 2026-12-05); distillation passes the batch's rounded
    /// mean step count as its kind.
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
        for (t, values) in zip(weights, snapshot.weights) {
            values.withUnsafeBufferPointer { t.data.update(from: $0.baseAddress!, count: t.count) }
        }
        try optimizer.loadState(snapshot.moments, step: snapshot.step)
        recent = snapshot.recent
        learningRateScale *= parameters.learningRateBackoff
        return true
    }
}

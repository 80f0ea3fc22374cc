// Which rows of a distillation batch carry an exact latent chain, read off the step-level
// supervision's own logits (DistillationLoss.stepLoss): a latent input vector "decodes its step
// exactly" when, teacher-forced, the argmax at every position of the step text is the target —
// then greedy decoding from that vector writes the step text, as the step lens (`step_lens`)
// does at evaluation. An example's chain is exact when every latent input supervised for it
// decodes exactly. The run's `chain_exact` metric is this fraction.

import Models
import TensorCore

struct ChainExactness {
    /// Exact chains among the examples with at least one supervised step; nil when none has one.
    let fraction: Double?

    /// `rows[i]` = (k − 1)·batchSize + example (DistillationBatch.stepRows), `exact[i]` whether
    /// that row decodes exactly.
    init(rows: [Int], exact: [Bool], batchSize: Int) {
        var supervised = [Bool](repeating: false, count: batchSize)
        var wrong = [Bool](repeating: false, count: batchSize)
        for (row, ok) in zip(rows, exact) {
            let example = row % batchSize
            supervised[example] = true
            if !ok { wrong[example] = true }
        }
        let count = supervised.filter { $0 }.count
        fraction = count == 0 ? nil : Double((0..<batchSize).filter { supervised[$0] && !wrong[$0] }.count) / Double(count)
    }

    /// Per step row: is the argmax of its logits the target at every position with a target?
    /// `logits` is `[rows + rows·length, V]` laid out as in stepLoss: one row per step row for the
    /// latent position, then `length` rows per step row for its text; `targets` likewise.
    static func exactRows(logits: Tensor, targets: [Int], rows: Int, length: Int) -> [Bool] {
        let profiled = Profiler.open(.loss)
        defer { Profiler.close(profiled) }
        let v = logits.dim(-1)
        precondition(targets.count == rows + rows * length && logits.count == targets.count * v,
                     "exactRows: \(targets.count) targets for \(logits.count / max(v, 1)) logit rows")
        let x = logits.data
        func hit(_ r: Int) -> Bool {
            let target = targets[r]
            guard target != ModelOps.ignoredTarget else { return true }
            let row = x + r * v
            var best = 0
            for j in 1..<v where row[j] > row[best] { best = j }
            return best == target
        }
        return (0..<rows).map { i in hit(i) && (0..<length).allSatisfy { hit(rows + i * length + $0) } }
    }
}

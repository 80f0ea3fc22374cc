// The distillation targets of `distill(…, frozen_teacher: true)`: every training example's
// teacher states at its answer anchor (every block), computed once, before the first step, by
// the model as it is then — the CoT teacher the run starts from — and never again.
//
// Why: in the paper's recipe the teacher pass runs on the shared model at every step, so the
// targets move with the student's updates, and every run so far ended with the shared model's
// own CoT far below where it started (96.4 % → 4.5–49 %, BENCHMARKS.md). Frozen targets stay the
// good teacher's. With `teacher_weight: 0` the teacher pass is skipped altogether (its
// cross-entropy is the only other thing it feeds), which makes each step cheaper.
// Cost: layers × dim floats per example (18,000 examples × 4 × 128 → 37 MB) and one gradient-free
// teacher pass over the data.

import Datasets
import Models
import TensorCore

enum FrozenTeacher {
    /// One row of `layers × dim` floats per example (block l's state at `l·dim ..< (l+1)·dim`),
    /// in the order of `examples`, computed without recording gradients. `progress(done, total)`
    /// is called after each batch; when it returns false the work stops and the result is nil.
    static func answerStates(model: LatentModel, tokenizer: Tokenizer, examples: [DistillationExample],
                             batchSize: Int = 32, progress: (Int, Int) -> Bool = { _, _ in true }) throws -> [[Float]]? {
        var rows = [[Float]](repeating: [], count: examples.count)
        var done = 0
        // DistillationBatch wants one latent count per batch; the teacher pass does not use it.
        let groups = Dictionary(grouping: examples.indices) { examples[$0].latentCount }
        for count in groups.keys.sorted() {
            let members = groups[count]!
            for start in stride(from: 0, to: members.count, by: batchSize) {
                let chunk = Array(members[start..<min(members.count, start + batchSize)])
                let batch = DistillationBatch(chunk.map { examples[$0] }, tokenizer: tokenizer)
                let states = try Autograd.withoutGrad { try answerStates(model: model, batch: batch) }
                let d = model.base.configuration.dimension
                for (r, example) in chunk.enumerated() {
                    var row: [Float] = []
                    row.reserveCapacity(states.count * d)
                    for state in states { row += UnsafeBufferPointer(start: state.data + r * d, count: d) }
                    rows[example] = row
                }
                done += chunk.count
                if !progress(done, examples.count) { return nil }
            }
        }
        return rows
    }

    /// The teacher pass of DistillationLoss.compute, reduced to the states at the answer anchors:
    /// one `[batch, dim]` tensor per block.
    static func answerStates(model: LatentModel, batch: DistillationBatch) throws -> [Tensor] {
        let base = model.base
        let shared = batch.shared
        let cache = KeyValueCache(for: base, batchSize: batch.size, starts: shared.prefix.starts)
        let rows = shared.stateRows(batch.answerAnchors.enumerated().map { (row: $0, position: $1) })
        let prefix = try base.forward(shared.prefix, cache: cache, hiddenRows: rows.prefix.isEmpty ? nil : rows.prefix,
                                      lastPositionOnly: true)
        let rest = try base.forward(shared.teacherRest, cache: cache, hiddenRows: rows.rest, logitRows: [])
        return SharedPrefix.teacherStates(rest: rest.layerStates, prefix: prefix.layerStates, order: rows.order)
    }

    /// The cached rows of a batch as one `[rows, dim]` tensor per block.
    static func tensors(_ rows: [[Float]], dimension d: Int) -> [Tensor] {
        let layers = (rows.first?.count ?? 0) / d
        return (0..<layers).map { l in
            Tensor(rows.flatMap { $0[(l * d)..<((l + 1) * d)] }, shape: [rows.count, d])
        }
    }
}

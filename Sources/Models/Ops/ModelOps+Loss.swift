// Cross-entropy over a row of logits with ignored targets, fused with its softmax.

import Foundation
import TensorCore

extension ModelOps {
    /// The target id that marks a position without a loss term.
    public static let ignoredTarget = -100

    /// Mean cross-entropy `−log softmax(logits[r])[targets[r]]` over the rows whose target is
    /// not ``ignoredTarget``; `logits` is `[..., V]` with one target per row. Returns a scalar
    /// tensor (0, without a graph, when every target is ignored).
    ///
    /// Backward: `dlogits[r] = (softmax(logits[r]) − onehot(targets[r])) / count`.
    public static func crossEntropy(logits: Tensor, targets: [Int]) -> Tensor {
        let profiled = Profiler.open(.loss)
        defer { Profiler.close(profiled) }
        let v = logits.dim(-1)
        let rows = logits.count / v
        precondition(targets.count == rows, "crossEntropy: \(targets.count) targets for \(rows) rows")
        let active = targets.indices.filter { targets[$0] != ignoredTarget }
        guard !active.isEmpty else { return Tensor(scalar: 0) }
        for r in active { precondition(targets[r] >= 0 && targets[r] < v, "crossEntropy: target \(targets[r]) outside 0..<\(v)") }
        let recording = Autograd.needsGrad(logits)
        // Softmax of the active rows, kept for backward.
        let probabilities = Storage(count: recording ? active.count * v : 0, zeroed: false)
        let losses = UnsafeMutablePointer<Double>.allocate(capacity: active.count)
        defer { losses.deallocate() }
        let px = logits.data
        parallelFor(active.count, workPerItem: 4 * v) { range in
            let row = UnsafeMutablePointer<Float>.allocate(capacity: v)
            defer { row.deallocate() }
            for a in range {
                let r = active[a]
                let x = px + r * v
                let out = recording ? probabilities.pointer + a * v : row
                let m = maximumOf(x, v)
                for j in 0..<v { out[j] = fastExp(x[j] - m) }
                let sum = sumOf(out, v)
                let inv = 1 / sum
                for j in 0..<v { out[j] *= inv }
                losses[a] = Double(m + log(sum) - x[targets[r]])
            }
        }
        var total: Double = 0
        for a in 0..<active.count { total += losses[a] }
        let loss = Tensor(scalar: Float(total / Double(active.count)))
        if recording {
            loss.recordOp(inputs: [logits]) { loss in
                let g = loss.gradBuffer()[0] / Float(active.count)
                let (dx, overwrite) = logits.gradTarget()
                if overwrite {  // a new buffer: rows without a target get zeros
                    var next = 0
                    for (a, r) in active.enumerated() {
                        if next < r { (dx + next * v).update(repeating: 0, count: (r - next) * v) }
                        next = r + 1
                        let p = probabilities.pointer + a * v, dr = dx + r * v
                        for j in 0..<v { dr[j] = g * p[j] }
                        dr[targets[r]] -= g
                    }
                    if next < rows { (dx + next * v).update(repeating: 0, count: (rows - next) * v) }
                } else {
                    for (a, r) in active.enumerated() {
                        let p = probabilities.pointer + a * v, dr = dx + r * v
                        for j in 0..<v { dr[j] += g * p[j] }
                        dr[targets[r]] -= g
                    }
                }
            }
        }
        return loss
    }
}

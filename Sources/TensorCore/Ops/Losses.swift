// Losses: cross-entropy fused with log-softmax (with an ignore index), and smooth-L1.
// Notation: N rows (tokens), V classes; logits (N, V), targets (N).

import Foundation

/// How a per-element loss is reduced.
public enum LossReduction: Sendable {
    /// Mean over the counted elements (for cross-entropy: the non-ignored targets).
    case mean
    /// Sum over the counted elements.
    case sum
    /// No reduction: one value per row (ignored rows give 0).
    case none
}

/// Cross-entropy of `logits` against integer class `targets`, fused with log-softmax.
///
/// `logits` is `[..., V]`, flattened to N rows; `targets` has N entries. Rows whose target is
/// `ignoreIndex` contribute nothing. With `.mean` the result is the scalar mean over the other
/// rows (0, with zero gradient, when every row is ignored — PyTorch would give NaN); `.sum`
/// gives the scalar sum; `.none` gives `[N]` per-row losses.
///
/// Backward: dlogits = (softmax(logits) − onehot(target)) · dloss (· 1/count for the mean).
public func crossEntropy(logits: Tensor, targets: [Int], ignoreIndex: Int = -100,
                         reduction: LossReduction = .mean) -> Tensor {
    let profiled = Profiler.open(.loss)
    defer { Profiler.close(profiled) }
    let V = logits.dim(-1)
    let N = logits.count / max(V, 1)
    precondition(targets.count == N, "crossEntropy: \(targets.count) targets for \(N) rows of \(logits.shape)")
    var counted = 0
    for t in targets where t != ignoreIndex {
        precondition(t >= 0 && t < V, "crossEntropy: target \(t) outside 0..<\(V)")
        counted += 1
    }
    let lse = Storage(count: N, zeroed: false)
    let perRow = Storage(count: N, zeroed: false)
    let (px, pl, pr) = (logits.data, lse.pointer, perRow.pointer)
    targets.withUnsafeBufferPointer { tp in
        Parallel.forEach(N, workPerItem: V) { row in
            let t = tp[row]
            if t == ignoreIndex { pl[row] = 0; pr[row] = 0; return }
            let xr = px + row * V
            let l = logSumExp(xr, V)
            pl[row] = l
            pr[row] = l - xr[t]
        }
    }
    let out: Tensor
    switch reduction {
    case .none: out = Tensor(storage: perRow, shape: [N])
    case .mean, .sum:
        var s: Double = 0
        for i in 0..<N { s += Double(pr[i]) }
        let v = reduction == .mean ? (counted > 0 ? s / Double(counted) : 0) : s
        out = Tensor(scalar: Float(v))
    }
    if Autograd.needsGrad(logits) {
        let scaleAll: Float = reduction == .mean ? (counted > 0 ? 1 / Float(counted) : 0) : 1
        out.recordOp(inputs: [logits]) { out in
            let g = out.gradBuffer()
            let gx = logits.gradBuffer()
            targets.withUnsafeBufferPointer { tp in
                Parallel.forEach(N, workPerItem: V) { row in
                    let t = tp[row]
                    if t == ignoreIndex { return }
                    let w = (reduction == .none ? g[row] : g[0]) * scaleAll
                    if w == 0 { return }
                    let xr = px + row * V, dr = gx + row * V
                    let l = pl[row]
                    for j in 0..<V { dr[j] += w * fastExp(xr[j] - l) }
                    dr[t] -= w
                }
            }
            _ = lse  // keep the saved log-sum-exp alive until backward has run
        }
    }
    return out
}

/// Smooth-L1 (Huber with `beta`, PyTorch's `smooth_l1_loss`) between `input` and `target`:
/// per element d = input − target, loss = 0.5·d²/beta if |d| < beta else |d| − 0.5·beta,
/// reduced by `reduction` (mean over all elements by default). Gradients flow to both
/// operands (detach the target to stop them).
public func smoothL1(_ input: Tensor, _ target: Tensor, beta: Float = 1,
                     reduction: LossReduction = .mean) -> Tensor {
    let profiled = Profiler.open(.loss)
    defer { Profiler.close(profiled) }
    precondition(input.shape == target.shape, "smoothL1: shapes \(input.shape) and \(target.shape) differ")
    precondition(beta > 0, "smoothL1: beta must be positive")
    let n = input.count
    let (pa, pb) = (input.data, target.data)
    let perElement = Tensor(uninitialized: input.shape)
    let pe = perElement.data
    var s: Double = 0
    for i in 0..<n {
        let d = pa[i] - pb[i]
        let a = abs(d)
        let v = a < beta ? 0.5 * d * d / beta : a - 0.5 * beta
        pe[i] = v
        s += Double(v)
    }
    let out: Tensor
    switch reduction {
    case .none: out = perElement
    case .sum: out = Tensor(scalar: Float(s))
    case .mean: out = Tensor(scalar: Float(s / Double(max(n, 1))))
    }
    if Autograd.needsGrad(input, target) {
        let k: Float = reduction == .mean ? 1 / Float(max(n, 1)) : 1
        out.recordOp(inputs: [input, target]) { out in
            let g = out.gradBuffer()
            let ga: UnsafeMutablePointer<Float>? = input.requiresGrad ? input.gradBuffer() : nil
            let gb: UnsafeMutablePointer<Float>? = target.requiresGrad ? target.gradBuffer() : nil
            for i in 0..<n {
                let d = pa[i] - pb[i]
                let local = abs(d) < beta ? d / beta : (d > 0 ? 1 : -1)
                let v = (reduction == .none ? g[i] : g[0]) * k * local
                if let ga { ga[i] += v }
                if let gb { gb[i] -= v }
            }
        }
    }
    return out
}

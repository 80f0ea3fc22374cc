// Softmax and log-softmax over the last dimension. Notation: rows R, width V; x, y are (R, V).
// Both are max-shifted for stability; backward uses the saved output.

import Foundation

/// Softmax over the last axis: `y = exp(x − max) / Σ exp(x − max)`. Entries equal to −∞ get
/// probability 0 (a fully −∞ row gives all zeros).
///
/// Backward: dx = y · (dy − Σ dy·y).
public func softmax(_ x: Tensor) -> Tensor {
    let profiled = Profiler.open(.elementwise)
    defer { Profiler.close(profiled) }
    let V = x.dim(-1)
    let R = x.count / max(V, 1)
    let out = Tensor(uninitialized: x.shape)
    let (px, py) = (x.data, out.data)
    Parallel.forEach(R, workPerItem: V) { row in softmaxRow(px + row * V, py + row * V, V) }
    if Autograd.needsGrad(x) {
        out.recordOp(inputs: [x]) { out in
            let (g, gx) = (out.gradBuffer(), x.gradBuffer())
            Parallel.forEach(R, workPerItem: V) { row in
                let yr = py + row * V, gr = g + row * V, dr = gx + row * V
                let dot = rowDot(gr, yr, V)
                for j in 0..<V { dr[j] += yr[j] * (gr[j] - dot) }
            }
        }
    }
    return out
}

/// Log-softmax over the last axis: `y = x − max − log Σ exp(x − max)`.
///
/// Backward: dx = dy − softmax(x) · Σ dy.
public func logSoftmax(_ x: Tensor) -> Tensor {
    let V = x.dim(-1)
    let R = x.count / max(V, 1)
    let out = Tensor(uninitialized: x.shape)
    let (px, py) = (x.data, out.data)
    Parallel.forEach(R, workPerItem: V) { row in
        let xr = px + row * V, yr = py + row * V
        let lse = logSumExp(xr, V)
        for j in 0..<V { yr[j] = xr[j] - lse }
    }
    if Autograd.needsGrad(x) {
        out.recordOp(inputs: [x]) { out in
            let (g, gx) = (out.gradBuffer(), x.gradBuffer())
            Parallel.forEach(R, workPerItem: V) { row in
                let yr = py + row * V, gr = g + row * V, dr = gx + row * V
                let sum = rowSum(gr, V)
                for j in 0..<V { dr[j] += gr[j] - fastExp(yr[j]) * sum }
            }
        }
    }
    return out
}

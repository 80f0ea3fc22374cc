// RMSNorm (Llama) and LayerNorm (affine) over the last dimension.
// Notation: rows R = count / C, C = normalised dimension; x, y, dy are (R, C); weight, bias (C).
// The per-row reciprocal standard deviation is saved for backward.

import Foundation

/// RMSNorm as in Hugging Face Llama: `y = weight · x / √(mean(x²) + eps)` over the last axis.
///
/// Backward, with r = (mean(x²)+eps)^(-1/2) and u = weight·dy:
///   dx = r·u − (r³/C) · x · Σ(u·x),   dweight += Σ_rows dy · x · r.
public func rmsNorm(_ x: Tensor, weight: Tensor, eps: Float = 1e-5) -> Tensor {
    let profiled = Profiler.open(.norm)
    defer { Profiler.close(profiled) }
    let C = x.dim(-1)
    precondition(weight.shape == [C], "rmsNorm: weight \(weight.shape) for last dimension \(C)")
    let R = x.count / max(C, 1)
    let out = Tensor(uninitialized: x.shape)
    let rstd = Storage(count: R, zeroed: false)
    let (px, pw, po, pr) = (x.data, weight.data, out.data, rstd.pointer)
    Parallel.forEach(R, workPerItem: C) { row in
        let xr = px + row * C, yr = po + row * C
        let ss = rowDot(xr, xr, C)
        let r = 1 / (ss / Float(C) + eps).squareRoot()
        pr[row] = r
        for j in 0..<C { yr[j] = xr[j] * r * pw[j] }
    }
    if Autograd.needsGrad(x, weight) {
        out.recordOp(inputs: [x, weight]) { out in
            let g = out.gradBuffer()
            if x.requiresGrad {
                let (gx, overwrite) = x.gradTarget()
                Parallel.forEach(R, workPerItem: C) { row in
                    let xr = px + row * C, gr = g + row * C, dxr = gx + row * C
                    if overwrite { for j in 0..<C { dxr[j] = 0 } }
                    let r = pr[row]
                    // dot = Σ w·g·x, accumulated in lanes.
                    var acc = Lanes(repeating: 0)
                    var j = 0
                    while j + 8 <= C { acc += loadLanes(pw + j) * loadLanes(gr + j) * loadLanes(xr + j); j += 8 }
                    var dot = acc.sum()
                    while j < C { dot += pw[j] * gr[j] * xr[j]; j += 1 }
                    let c = r * r * r * dot / Float(C)
                    for j in 0..<C { dxr[j] += r * pw[j] * gr[j] - c * xr[j] }
                }
            }
            if weight.requiresGrad {
                let gw = weight.gradBuffer()
                for row in 0..<R {
                    let xr = px + row * C, gr = g + row * C
                    let r = pr[row]
                    for j in 0..<C { gw[j] += gr[j] * xr[j] * r }
                }
            }
            _ = rstd  // keep the saved statistics alive until backward has run
        }
    }
    return out
}

/// LayerNorm with affine parameters over the last axis:
/// `y = (x − mean) / √(var + eps) · weight + bias` (biased variance, as PyTorch).
///
/// Backward, with x̂ the normalised input and u = weight·dy:
///   dx = r · (u − mean(u) − x̂ · mean(u·x̂)),  dweight += Σ dy·x̂,  dbias += Σ dy.
public func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor, eps: Float = 1e-5) -> Tensor {
    let profiled = Profiler.open(.norm)
    defer { Profiler.close(profiled) }
    let C = x.dim(-1)
    precondition(weight.shape == [C] && bias.shape == [C],
                 "layerNorm: weight \(weight.shape) / bias \(bias.shape) for last dimension \(C)")
    let R = x.count / max(C, 1)
    let out = Tensor(uninitialized: x.shape)
    let stats = Storage(count: 2 * R, zeroed: false)  // mean, rstd per row
    let (px, pw, pb, po, ps) = (x.data, weight.data, bias.data, out.data, stats.pointer)
    Parallel.forEach(R, workPerItem: C) { row in
        let xr = px + row * C, yr = po + row * C
        let mean = rowSum(xr, C) / Float(C)
        var v: Float = 0
        for j in 0..<C { let d = xr[j] - mean; v += d * d }
        let r = 1 / (v / Float(C) + eps).squareRoot()
        ps[2 * row] = mean
        ps[2 * row + 1] = r
        for j in 0..<C { yr[j] = (xr[j] - mean) * r * pw[j] + pb[j] }
    }
    if Autograd.needsGrad(x, weight, bias) {
        out.recordOp(inputs: [x, weight, bias]) { out in
            let g = out.gradBuffer()
            if x.requiresGrad {
                let gx = x.gradBuffer()
                Parallel.forEach(R, workPerItem: C) { row in
                    let xr = px + row * C, gr = g + row * C, dxr = gx + row * C
                    let (mean, r) = (ps[2 * row], ps[2 * row + 1])
                    var su: Float = 0, sux: Float = 0
                    for j in 0..<C {
                        let u = pw[j] * gr[j]
                        su += u
                        sux += u * (xr[j] - mean) * r
                    }
                    su /= Float(C)
                    sux /= Float(C)
                    for j in 0..<C {
                        let xh = (xr[j] - mean) * r
                        dxr[j] += r * (pw[j] * gr[j] - su - xh * sux)
                    }
                }
            }
            let gw: UnsafeMutablePointer<Float>? = weight.requiresGrad ? weight.gradBuffer() : nil
            let gb: UnsafeMutablePointer<Float>? = bias.requiresGrad ? bias.gradBuffer() : nil
            if gw != nil || gb != nil {
                for row in 0..<R {
                    let xr = px + row * C, gr = g + row * C
                    let (mean, r) = (ps[2 * row], ps[2 * row + 1])
                    if let gw { for j in 0..<C { gw[j] += gr[j] * (xr[j] - mean) * r } }
                    if let gb { for j in 0..<C { gb[j] += gr[j] } }
                }
            }
            _ = stats
        }
    }
    return out
}

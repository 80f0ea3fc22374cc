// RMSNorm and the SwiGLU gate, fused forward/backward.

import Foundation
import TensorCore

extension ModelOps {
    /// RMSNorm over the last dimension, Llama form:
    /// `y = x / sqrt(mean(x²) + ε) · w`, for `x` of shape `[..., D]` and `weight` of shape `[D]`.
    public static func rmsNorm(_ x: Tensor, weight: Tensor, epsilon: Float) -> Tensor {
        let profiled = Profiler.open(.norm)
        defer { Profiler.close(profiled) }
        let d = weight.count
        precondition(x.dim(-1) == d, "rmsNorm: input \(x.shape) vs weight \(weight.shape)")
        let rows = x.count / d
        let y = Tensor.uninitialized(x.shape)
        let recording = Autograd.needsGrad(x, weight)
        var inverse = [Float](repeating: 0, count: recording ? rows : 0)
        let (px, pw, py) = (x.data, weight.data, y.data)
        for r in 0..<rows {
            let xr = px + r * d, yr = py + r * d
            let sum = dotProduct(xr, xr, d)
            let s = 1 / (sum / Float(d) + epsilon).squareRoot()
            for i in 0..<d { yr[i] = xr[i] * s * pw[i] }
            if recording { inverse[r] = s }
        }
        if recording {
            y.recordOp(inputs: [x, weight]) { y in
                let dy = y.gradBuffer()
                let target = x.requiresGrad ? x.gradTarget() : nil
                let dx = target?.pointer, overwrite = target?.overwrite ?? false
                let dw = weight.requiresGrad ? weight.gradBuffer() : nil
                for r in 0..<rows {
                    let xr = px + r * d, gr = dy + r * d, s = inverse[r]
                    if let dw { for i in 0..<d { dw[i] += gr[i] * xr[i] * s } }
                    guard let dx else { continue }
                    // dx = s·(g⊙w) − x·s³·mean((g⊙w)⊙x)
                    let dot = tripleProduct(gr, pw, xr, d)
                    let c = s * s * s * dot / Float(d)
                    let dxr = dx + r * d
                    if overwrite {
                        for i in 0..<d { dxr[i] = s * gr[i] * pw[i] - xr[i] * c }
                    } else {
                        for i in 0..<d { dxr[i] += s * gr[i] * pw[i] - xr[i] * c }
                    }
                }
            }
        }
        return y
    }

    /// The SwiGLU gate `silu(gate) ⊙ up`, with `silu(a) = a·σ(a)`; both inputs share a shape.
    public static func swiGLU(gate: Tensor, up: Tensor) -> Tensor {
        let profiled = Profiler.open(.elementwise)
        defer { Profiler.close(profiled) }
        precondition(gate.shape == up.shape, "swiGLU: \(gate.shape) vs \(up.shape)")
        let y = Tensor.uninitialized(gate.shape)
        let (pg, pu, py, n) = (gate.data, up.data, y.data, gate.count)
        parallelFor(n / 1024 + 1, workPerItem: 4096) { chunks in
            let lo = chunks.lowerBound * 1024, hi = min(n, chunks.upperBound * 1024)
            if lo < hi {
                for i in lo..<hi {
                    let a = pg[i]
                    py[i] = a / (1 + fastExp(-a)) * pu[i]
                }
            }
        }
        if Autograd.needsGrad(gate, up) {
            y.recordOp(inputs: [gate, up]) { y in
                let dy = y.gradBuffer()
                // Buffers are created before the threads start (gradBuffer allocates lazily).
                let gt = gate.requiresGrad ? gate.gradTarget() : nil
                let ut = up.requiresGrad ? up.gradTarget() : nil
                let (dg, du) = (gt?.pointer, ut?.pointer)
                let (gateOverwrite, upOverwrite) = (gt?.overwrite ?? false, ut?.overwrite ?? false)
                parallelFor(n / 1024 + 1, workPerItem: 8192) { chunks in
                    let lo = chunks.lowerBound * 1024, hi = min(n, chunks.upperBound * 1024)
                    guard lo < hi else { return }
                    // Separate loops per case keep optionals out of the vectorised bodies.
                    if let du, upOverwrite {
                        for i in lo..<hi {
                            let a = pg[i]
                            du[i] = dy[i] * a / (1 + fastExp(-a))
                        }
                    } else if let du {
                        for i in lo..<hi {
                            let a = pg[i]
                            du[i] += dy[i] * a / (1 + fastExp(-a))
                        }
                    }
                    if let dg, gateOverwrite {
                        for i in lo..<hi {
                            let a = pg[i]
                            let sig = 1 / (1 + fastExp(-a))
                            dg[i] = dy[i] * pu[i] * sig * (1 + a * (1 - sig))
                        }
                    } else if let dg {
                        for i in lo..<hi {
                            let a = pg[i]
                            let sig = 1 / (1 + fastExp(-a))
                            dg[i] += dy[i] * pu[i] * sig * (1 + a * (1 - sig))
                        }
                    }
                }
            }
        }
        return y
    }
}

// Pointwise nonlinearities: SiLU, exact-erf GELU, fused SwiGLU, ReLU, exp, log, square.
// Each forward is one tight loop; each backward recomputes the cheap local derivative from the
// saved input instead of storing it.

import Foundation

/// Shared shape of a unary pointwise op: `forward(x)` per element and `derivative(x, y)`.
@inline(__always)
func unaryOp(_ x: Tensor, _ forward: @escaping (Float) -> Float,
             _ derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Tensor {
    let n = x.count
    let out = Tensor(uninitialized: x.shape)
    let (px, po) = (x.data, out.data)
    Parallel.forRanges(n) { r in for i in r { po[i] = forward(px[i]) } }
    if Autograd.needsGrad(x) {
        out.recordOp(inputs: [x]) { out in
            let (g, gx, py) = (out.gradBuffer(), x.gradBuffer(), out.data)
            Parallel.forRanges(n) { r in for i in r { gx[i] += g[i] * derivative(px[i], py[i]) } }
        }
    }
    return out
}

@inline(__always) func sigmoidScalar(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

/// SiLU (swish): `x · σ(x)`.
public func silu(_ x: Tensor) -> Tensor {
    unaryOp(x, { v in v * sigmoidScalar(v) },
            { v, _ in let s = sigmoidScalar(v); return s * (1 + v * (1 - s)) })
}

/// GELU with the exact error function: `0.5 · x · (1 + erf(x / √2))` (PyTorch's default,
/// not the tanh approximation).
public func gelu(_ x: Tensor) -> Tensor {
    let invSqrt2: Float = 0.70710678118654752
    let invSqrt2Pi: Float = 0.39894228040143268
    return unaryOp(x, { v in 0.5 * v * (1 + erff(v * invSqrt2)) },
                   { v, _ in 0.5 * (1 + erff(v * invSqrt2)) + v * invSqrt2Pi * expf(-0.5 * v * v) })
}

/// ReLU: `max(x, 0)`.
public func relu(_ x: Tensor) -> Tensor {
    unaryOp(x, { v in v > 0 ? v : 0 }, { v, _ in v > 0 ? 1 : 0 })
}

/// Elementwise `eˣ`.
public func exp(_ x: Tensor) -> Tensor {
    unaryOp(x, { v in expf(v) }, { _, y in y })
}

/// Elementwise natural logarithm.
public func log(_ x: Tensor) -> Tensor {
    unaryOp(x, { v in logf(v) }, { v, _ in 1 / v })
}

/// Elementwise `x²`.
public func square(_ x: Tensor) -> Tensor {
    unaryOp(x, { v in v * v }, { v, _ in 2 * v })
}

/// Fused SwiGLU gate of a Llama MLP: `silu(gate) · up` (same shapes).
///
/// One pass forward, one pass backward: dgate = g·up·σ(gate)·(1 + gate·(1 − σ(gate))),
/// dup = g·silu(gate).
public func swiglu(gate: Tensor, up: Tensor) -> Tensor {
    precondition(gate.shape == up.shape, "swiglu: gate \(gate.shape) and up \(up.shape) differ")
    let n = gate.count
    let out = Tensor(uninitialized: gate.shape)
    let (pg, pu, po) = (gate.data, up.data, out.data)
    Parallel.forRanges(n) { r in
        for i in r { let v = pg[i]; po[i] = v / (1 + expf(-v)) * pu[i] }
    }
    if Autograd.needsGrad(gate, up) {
        out.recordOp(inputs: [gate, up]) { out in
            let g = out.gradBuffer()
            let dg: UnsafeMutablePointer<Float>? = gate.requiresGrad ? gate.gradBuffer() : nil
            let du: UnsafeMutablePointer<Float>? = up.requiresGrad ? up.gradBuffer() : nil
            Parallel.forRanges(n) { r in
                for i in r {
                    let v = pg[i]
                    let s = 1 / (1 + expf(-v))
                    if let dg { dg[i] += g[i] * pu[i] * s * (1 + v * (1 - s)) }
                    if let du { du[i] += g[i] * v * s }
                }
            }
        }
    }
    return out
}

// Pointwise nonlinearities: SiLU, exact-erf GELU, fused SwiGLU, ReLU, exp, log, square.
// Each forward is one tight loop; each backward recomputes the cheap local derivative from the
// saved input instead of storing it.

import Foundation

/// The pointwise functions, each with its derivative. Dispatch happens once per call (the
/// switch sits outside the loops), so every loop body is a plain inlined expression.
@usableFromInline enum Pointwise: Sendable {
    case silu, gelu, relu, exp, log, square
}

@usableFromInline let invSqrt2: Float = 0.70710678118654752
@usableFromInline let invSqrt2Pi: Float = 0.39894228040143268

/// y = f(x) over `r`.
@inline(__always)
func pointwiseForward(_ kind: Pointwise, _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ r: Range<Int>) {
    switch kind {
    case .silu: for i in r { let v = x[i]; y[i] = v / (1 + fastExp(-v)) }
    case .gelu: for i in r { let v = x[i]; y[i] = 0.5 * v * (1 + erff(v * invSqrt2)) }
    case .relu: for i in r { let v = x[i]; y[i] = v > 0 ? v : 0 }
    case .exp: for i in r { y[i] = fastExp(x[i]) }
    case .log: for i in r { y[i] = logf(x[i]) }
    case .square: for i in r { let v = x[i]; y[i] = v * v }
    }
}

/// dx += dy · f′(x) over `r` (y = f(x) is available for exp).
@inline(__always)
func pointwiseBackward(_ kind: Pointwise, _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                       _ dy: UnsafeMutablePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ r: Range<Int>) {
    switch kind {
    case .silu:
        for i in r { let v = x[i]; let s = 1 / (1 + fastExp(-v)); dx[i] += dy[i] * s * (1 + v * (1 - s)) }
    case .gelu:
        for i in r {
            let v = x[i]
            dx[i] += dy[i] * (0.5 * (1 + erff(v * invSqrt2)) + v * invSqrt2Pi * fastExp(-0.5 * v * v))
        }
    case .relu: for i in r { dx[i] += x[i] > 0 ? dy[i] : 0 }
    case .exp: for i in r { dx[i] += dy[i] * y[i] }
    case .log: for i in r { dx[i] += dy[i] / x[i] }
    case .square: for i in r { dx[i] += 2 * x[i] * dy[i] }
    }
}

func unaryOp(_ x: Tensor, _ kind: Pointwise) -> Tensor {
    let profiled = Profiler.open(.elementwise)
    defer { Profiler.close(profiled) }
    let n = x.count
    let out = Tensor(uninitialized: x.shape)
    let (px, po) = (x.data, out.data)
    Parallel.forRanges(n) { r in pointwiseForward(kind, px, po, r) }
    if Autograd.needsGrad(x) {
        out.recordOp(inputs: [x]) { out in
            let (g, gx, py) = (out.gradBuffer(), x.gradBuffer(), out.data)
            Parallel.forRanges(n) { r in pointwiseBackward(kind, px, py, g, gx, r) }
        }
    }
    return out
}

/// SiLU (swish): `x · σ(x)`.
public func silu(_ x: Tensor) -> Tensor { unaryOp(x, .silu) }

/// GELU with the exact error function: `0.5 · x · (1 + erf(x / √2))` (PyTorch's default,
/// not the tanh approximation).
public func gelu(_ x: Tensor) -> Tensor { unaryOp(x, .gelu) }

/// ReLU: `max(x, 0)`.
public func relu(_ x: Tensor) -> Tensor { unaryOp(x, .relu) }

/// Elementwise `eˣ`.
public func exp(_ x: Tensor) -> Tensor { unaryOp(x, .exp) }

/// Elementwise natural logarithm.
public func log(_ x: Tensor) -> Tensor { unaryOp(x, .log) }

/// Elementwise `x²`.
public func square(_ x: Tensor) -> Tensor { unaryOp(x, .square) }

/// Fused SwiGLU gate of a Llama MLP: `silu(gate) · up` (same shapes).
///
/// One pass forward, one pass backward: dgate = g·up·σ(gate)·(1 + gate·(1 − σ(gate))),
/// dup = g·silu(gate).
public func swiglu(gate: Tensor, up: Tensor) -> Tensor {
    let profiled = Profiler.open(.elementwise)
    defer { Profiler.close(profiled) }
    precondition(gate.shape == up.shape, "swiglu: gate \(gate.shape) and up \(up.shape) differ")
    let n = gate.count
    let out = Tensor(uninitialized: gate.shape)
    let (pg, pu, po) = (gate.data, up.data, out.data)
    Parallel.forRanges(n) { r in
        for i in r { let v = pg[i]; po[i] = v / (1 + fastExp(-v)) * pu[i] }
    }
    if Autograd.needsGrad(gate, up) {
        out.recordOp(inputs: [gate, up]) { out in
            let g = out.gradBuffer()
            let dg: UnsafeMutablePointer<Float>? = gate.requiresGrad ? gate.gradBuffer() : nil
            let du: UnsafeMutablePointer<Float>? = up.requiresGrad ? up.gradBuffer() : nil
            Parallel.forRanges(n) { r in
                switch (dg, du) {
                case let (dg?, du?):
                    for i in r {
                        let v = pg[i]
                        let s = 1 / (1 + fastExp(-v))
                        dg[i] += g[i] * pu[i] * s * (1 + v * (1 - s))
                        du[i] += g[i] * v * s
                    }
                case let (dg?, nil):
                    for i in r { let v = pg[i]; let s = 1 / (1 + fastExp(-v)); dg[i] += g[i] * pu[i] * s * (1 + v * (1 - s)) }
                case let (nil, du?):
                    for i in r { let v = pg[i]; du[i] += g[i] * v / (1 + fastExp(-v)) }
                case (nil, nil): break
                }
            }
        }
    }
    return out
}

// In-place kernels for gradient-free passes (evaluation, generation, RL sampling, the forward
// benchmark). Without autograd nothing keeps an activation for a backward pass, so the decoder
// can update its residual stream in place:
//   - `h += x·Wᵀ` as ONE GEMM with beta 1, instead of a GEMM into a fresh buffer (which OpenBLAS
//     first zeroes) followed by an add pass over three buffers;
//   - the SwiGLU gate written over the gate activations, instead of into a third buffer.
// Each op refuses to run while autograd is recording on its inputs: mutating a tensor that a
// recorded op has saved would corrupt that op's gradient.

import TensorCore

extension ModelOps {
    /// A private copy of `x` (same shape), for a residual stream that the caller mutates.
    public static func copy(_ x: Tensor) -> Tensor {
        let profiled = Profiler.open(.copy)
        defer { Profiler.close(profiled) }
        let y = Tensor.uninitialized(x.shape)
        y.data.update(from: x.data, count: x.count)
        return y
    }

    /// `h += x · Wᵀ` in place, for `h` of shape `[..., out]`, `x` of shape `[..., in]` with the
    /// same leading dimensions, and `weight` of shape `[out, in]`. Gradient-free passes only.
    public static func addLinear(into h: Tensor, _ x: Tensor, weight: Tensor) {
        let (outF, inF) = (weight.dim(0), weight.dim(1))
        precondition(!Autograd.needsGrad(h, x, weight), "addLinear: in-place update while autograd is recording")
        precondition(x.dim(-1) == inF && h.dim(-1) == outF && x.count / inF == h.count / outF,
                     "addLinear: h \(h.shape), x \(x.shape), weight \(weight.shape)")
        let rows = x.count / inF
        BLAS.gemm(transposeB: true, m: rows, n: outF, k: inF, a: x.data, lda: inF,
                  b: weight.data, ldb: inF, beta: 1, c: h.data, ldc: outF)
    }

    /// `gate ← silu(gate) ⊙ up` in place (the values of ``swiGLU(gate:up:)``); returns `gate`.
    /// Gradient-free passes only.
    ///
    /// The loop is written here, not shared with `swiGLU` through a helper taking an output
    /// pointer: with output = input the vectoriser's run-time overlap check fails and the loop
    /// runs scalar — that made the whole gradient-free forward 30 % slower (7320a3f, reverted).
    /// Indexing one pointer lets it vectorise.
    @discardableResult
    public static func swiGLUInPlace(gate: Tensor, up: Tensor) -> Tensor {
        let profiled = Profiler.open(.elementwise)
        defer { Profiler.close(profiled) }
        precondition(gate.shape == up.shape, "swiGLUInPlace: \(gate.shape) vs \(up.shape)")
        precondition(!Autograd.needsGrad(gate, up), "swiGLUInPlace: in-place update while autograd is recording")
        let (pg, pu, n) = (gate.data, up.data, gate.count)
        parallelFor(n / 1024 + 1, workPerItem: 4096) { chunks in
            let lo = chunks.lowerBound * 1024, hi = min(n, chunks.upperBound * 1024)
            if lo < hi {
                for i in lo..<hi {
                    let a = pg[i]
                    pg[i] = a / (1 + fastExp(-a)) * pu[i]
                }
            }
        }
        return gate
    }
}

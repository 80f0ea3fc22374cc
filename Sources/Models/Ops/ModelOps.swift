// ModelOps: the fused forward/backward kernels the Llama model is built from (llm.c style).
// Each op computes its output on raw row-major buffers and, when autograd is recording,
// registers one backward closure that ACCUMULATES into its inputs' gradients.
//
// Notation: N = rows (batch × positions), D = model dimension, H = heads, Dh = head size,
// F = MLP hidden size, V = vocabulary, T = query positions, S = key positions.
//
// Why fused ops here instead of chains of TensorCore primitives: one RMSNorm, one rotary
// rotation or one attention is a single pass over memory with one saved buffer, instead of
// five or six intermediate tensors — the decoder is small enough that op overhead and
// memory traffic, not FLOPs, decide its speed.

import Dispatch
import TensorCore

/// Fused kernels of the Llama decoder, each differentiable through TensorCore's autograd.
public enum ModelOps {}

extension Tensor {
    /// A tensor whose values are undefined; the caller writes every element before use.
    static func uninitialized(_ shape: [Int]) -> Tensor {
        Tensor(storage: Storage(count: Tensor.elementCount(shape), zeroed: false), shape: shape)
    }
}

/// Splits `count` independent work items over the engine's threads when the total work is
/// large enough to pay for the dispatch; `body` must only touch its own items' outputs.
@inline(__always)
func parallelFor(_ count: Int, workPerItem: Int, _ body: (Range<Int>) -> Void) {
    let threads = min(Engine.threads, count, max(1, count * workPerItem / 32_768))
    if threads <= 1 {
        body(0..<count)
        return
    }
    let chunk = (count + threads - 1) / threads
    withoutActuallyEscaping(body) { body in
        let box = SendableBox(body)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let lo = t * chunk
            let hi = min(count, lo + chunk)
            if lo < hi { box.value(lo..<hi) }
        }
    }
}

/// Carries a closure into `concurrentPerform`; sound because every thread gets a disjoint
/// range and the caller waits for all of them.
struct SendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

// MARK: - Linear, embedding, residual

extension ModelOps {
    /// `y = x · Wᵀ` for `x` of shape `[..., in]` and `weight` of shape `[out, in]` (Hugging
    /// Face layout); the result has shape `[..., out]`. No bias.
    public static func linear(_ x: Tensor, weight: Tensor) -> Tensor {
        let (outF, inF) = (weight.dim(0), weight.dim(1))
        precondition(x.dim(-1) == inF, "linear: input \(x.shape) does not end in \(inF)")
        let rows = x.count / inF
        let y = Tensor.uninitialized(Array(x.shape.dropLast()) + [outF])
        BLAS.gemm(transposeB: true, m: rows, n: outF, k: inF, a: x.data, lda: inF,
                  b: weight.data, ldb: inF, c: y.data, ldc: outF)
        if Autograd.needsGrad(x, weight) {
            y.recordOp(inputs: [x, weight]) { y in
                let dy = y.gradBuffer()
                if x.requiresGrad {  // dx[N, in] (+)= dy[N, out] · W[out, in]
                    let dx = x.gradTarget()
                    BLAS.gemm(m: rows, n: inF, k: outF, a: dy, lda: outF, b: weight.data,
                              ldb: inF, beta: dx.overwrite ? 0 : 1, c: dx.pointer, ldc: inF)
                }
                if weight.requiresGrad {  // dW[out, in] += dyᵀ · x
                    BLAS.gemm(transposeA: true, m: outF, n: inF, k: rows, a: dy, lda: outF,
                              b: x.data, ldb: inF, beta: 1, c: weight.gradBuffer(), ldc: inF)
                }
            }
        }
        return y
    }

    /// Rows of `table` (`[V, D]`) picked by `ids`; the result has shape `shape + [D]`.
    /// Ids must be in `0..<V` (checked by the caller).
    public static func embedding(_ table: Tensor, ids: [Int], shape: [Int]) -> Tensor {
        let profiled = Profiler.open(.copy)
        defer { Profiler.close(profiled) }
        let d = table.dim(1)
        precondition(Tensor.elementCount(shape) == ids.count, "embedding: \(ids.count) ids for \(shape)")
        let y = Tensor.uninitialized(shape + [d])
        for (r, id) in ids.enumerated() { (y.data + r * d).update(from: table.data + id * d, count: d) }
        if Autograd.needsGrad(table) {
            y.recordOp(inputs: [table]) { y in
                let dy = y.gradBuffer(), dt = table.gradBuffer()
                for (r, id) in ids.enumerated() {
                    let src = dy + r * d, dst = dt + id * d
                    for i in 0..<d { dst[i] += src[i] }
                }
            }
        }
        return y
    }

    /// Elementwise `a + b` (same shape): the residual connection.
    public static func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        let profiled = Profiler.open(.elementwise)
        defer { Profiler.close(profiled) }
        precondition(a.shape == b.shape, "add: \(a.shape) vs \(b.shape)")
        let y = Tensor.uninitialized(a.shape)
        let (pa, pb, py) = (a.data, b.data, y.data)
        for i in 0..<a.count { py[i] = pa[i] + pb[i] }
        if Autograd.needsGrad(a, b) {
            y.recordOp(inputs: [a, b]) { y in
                let dy = y.gradBuffer()
                for t in [a, b] where t.requiresGrad {
                    let (dt, overwrite) = t.gradTarget()
                    if overwrite {
                        dt.update(from: dy, count: t.count)
                    } else {
                        for i in 0..<t.count { dt[i] += dy[i] }
                    }
                }
            }
        }
        return y
    }

    /// Rows `rows` of `x` viewed as `[N, D]` (`D` = last dimension): shape `[rows.count, D]`.
    /// Used to pick one hidden state per example (e.g. for latent distillation).
    public static func gatherRows(_ x: Tensor, rows: [Int]) -> Tensor {
        let profiled = Profiler.open(.copy)
        defer { Profiler.close(profiled) }
        let d = x.dim(-1)
        let n = x.count / d
        let y = Tensor.uninitialized([rows.count, d])
        for (i, r) in rows.enumerated() {
            precondition(r >= 0 && r < n, "gatherRows: row \(r) outside 0..<\(n)")
            (y.data + i * d).update(from: x.data + r * d, count: d)
        }
        if Autograd.needsGrad(x) {
            y.recordOp(inputs: [x]) { y in
                let dy = y.gradBuffer(), dx = x.gradBuffer()
                for (i, r) in rows.enumerated() {
                    for j in 0..<d { dx[r * d + j] += dy[i * d + j] }
                }
            }
        }
        return y
    }
}

// MARK: - Vectorisable exponential

/// `eˣ` for Float, written without a libm call so that loops calling it vectorise (the libm
/// `expf` is a scalar call per element and dominated the profile of attention, SwiGLU and the
/// loss). Range reduction `x = n·ln2 + r` with ln2 split in two parts, then Cephes' degree-6
/// polynomial for `eʳ` on `|r| ≤ ln2/2`, then the exponent bits. Relative error ≈ 2·10⁻⁷;
/// inputs are clamped to [−87, 88] (results below 1.7·10⁻³⁸ are not needed here); NaN stays NaN.
@inline(__always)
func fastExp(_ x: Float) -> Float {
    let c = x > -87 ? (x < 88 ? x : 88) : -87  // NaN → −87 here, and NaN again at the end
    // Round to nearest by adding and removing 1.5·2²³ (plain SSE2; `rounded()` would be a
    // libm call on the baseline x86-64 target).
    let n = (c * 1.442_695_04 + 12_582_912) - 12_582_912
    let r = c - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p: Float = 1.987_569_15e-4
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let er = p * r * r + r + 1
    let result = er * Float(bitPattern: UInt32(bitPattern: Int32(n) &+ 127) &<< 23)
    return x.isNaN ? x : result
}

// MARK: - Reductions with SIMD accumulators
// Float addition is not associative, so the compiler keeps `s += x[i]` loops scalar and
// latency-bound; these accumulate sixteen lanes at once instead. (No `addProduct`: without an
// FMA target feature it becomes a libm `fmaf` call per lane.)

@inline(__always)
func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

/// `Σ a[i]·b[i]`.
@inline(__always)
func dotProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    while i + 16 <= n {
        acc += load16(a + i) * load16(b + i)
        i += 16
    }
    var s = acc.sum()
    while i < n {
        s += a[i] * b[i]
        i += 1
    }
    return s
}

/// `Σ a[i]·b[i]·c[i]`.
@inline(__always)
func tripleProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    while i + 16 <= n {
        acc += load16(a + i) * load16(b + i) * load16(c + i)
        i += 16
    }
    var s = acc.sum()
    while i < n {
        s += a[i] * b[i] * c[i]
        i += 1
    }
    return s
}

/// `Σ a[i]`.
@inline(__always)
func sumOf(_ a: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    while i + 16 <= n {
        acc += load16(a + i)
        i += 16
    }
    var s = acc.sum()
    while i < n {
        s += a[i]
        i += 1
    }
    return s
}

/// `max a[i]` (n ≥ 1). Eight lanes compared and blended: the generic `pointwiseMax` on
/// SIMD16 compiled to lane-by-lane code through the stack (a profile of attention showed it).
@inline(__always)
func maximumOf(_ a: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD8<Float>(repeating: -.infinity)
    var i = 0
    while i + 8 <= n {
        let v = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
        acc.replace(with: v, where: v .> acc)
        i += 8
    }
    var m = acc.max()
    while i < n {
        m = max(m, a[i])
        i += 1
    }
    return m
}

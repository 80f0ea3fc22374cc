// Causal multi-head attention over rows that may start with padding, fused forward/backward.
//
// q is [B, T, D], k and v are [B, S, D] with D = H·Dh; the T queries are the LAST T of the S
// key positions (S − T earlier positions come from a key/value cache). Query i of row b sees
// keys j with start[b] ≤ j ≤ (S − T) + i: causal, and blind to the row's left padding.
// Per (b, h): P = softmax(q kᵀ / √Dh) masked, out = P v. Backward, with dO given:
//   dV = Pᵀ dO,  dP = dO vᵀ,  dS = P ⊙ (dP − rowsum(dP ⊙ P)),  dQ = dS k / √Dh,  dK = dSᵀ q / √Dh.

import Foundation
import TensorCore

extension ModelOps {
    /// Causal attention of `q` (`[B, T, D]`) over `k`, `v` (`[B, S, D]`, `S ≥ T`) with `heads`
    /// heads; `starts[b]` is the first key position of row `b` that is not padding.
    /// Queries with no visible key (padding) get zeros. Returns `[B, T, D]`.
    public static func causalAttention(
        query q: Tensor, key k: Tensor, value v: Tensor, heads: Int, starts: [Int]
    ) -> Tensor {
        let profiled = Profiler.open(.attention)
        defer { Profiler.close(profiled) }
        let (b, t, d) = (q.dim(0), q.dim(1), q.dim(2))
        let s = k.dim(1)
        precondition(k.shape == [b, s, d] && v.shape == k.shape && s >= t && starts.count == b,
                     "causalAttention: q \(q.shape) k \(k.shape) v \(v.shape) starts \(starts.count)")
        let geometry = AttentionGeometry(batch: b, queries: t, keys: s, dim: d, heads: heads,
                                         keyBatchStride: s * d)
        let y = Tensor.uninitialized([b, t, d])
        let recording = Autograd.needsGrad(q, k, v)
        let probabilities = Storage(count: recording ? b * heads * t * s : 0, zeroed: false)
        geometry.forward(q: q.data, k: k.data, v: v.data, out: y.data, starts: starts,
                         saved: recording ? probabilities.pointer : nil)
        if recording {
            y.recordOp(inputs: [q, k, v]) { y in
                // New gradient buffers are overwritten (every head of every row writes its
                // slice), existing ones accumulated.
                let dq = q.requiresGrad ? q.gradTarget() : nil
                let dk = k.requiresGrad ? k.gradTarget() : nil
                let dv = v.requiresGrad ? v.gradTarget() : nil
                geometry.backward(q: q.data, k: k.data, v: v.data, dOut: y.gradBuffer(),
                                  probabilities: probabilities.pointer, dq: dq, dk: dk, dv: dv)
            }
        }
        return y
    }
}

/// Sizes and strides of one attention call, and its two kernels.
struct AttentionGeometry {
    let batch, queries, keys, dim, heads: Int
    /// Distance in floats between the key (and value) rows of consecutive batch rows; `S·D` for
    /// dense tensors, `capacity·D` for a preallocated cache.
    let keyBatchStride: Int
    var headDimension: Int { dim / heads }
    var offset: Int { keys - queries }
    var scale: Float { 1 / Float(headDimension).squareRoot() }

    /// `out = softmax(mask(q kᵀ)·scale) v` for every (row, head); the probabilities go to
    /// `saved` (`[B, H, T, S]`) when given.
    func forward(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, starts: [Int], saved: UnsafeMutablePointer<Float>?
    ) {
        let (t, s, d, dh) = (queries, keys, dim, headDimension)
        if t == 1 && saved == nil {
            singleQueryForward(q: q, k: k, v: v, out: out, starts: starts)
            return
        }
        parallelFor(batch * heads, workPerItem: t * s * dh) { items in
            let scratch = saved == nil ? UnsafeMutablePointer<Float>.allocate(capacity: t * s) : nil
            defer { scratch?.deallocate() }
            for item in items {
                let (row, head) = (item / heads, item % heads)
                let p = saved.map { $0 + item * t * s } ?? scratch!
                let qb = q + row * t * d + head * dh
                let kb = k + row * keyBatchStride + head * dh
                let vb = v + row * keyBatchStride + head * dh
                let ob = out + row * t * d + head * dh
                // P[T, S] = q kᵀ · scale, then masked softmax row by row.
                BLAS.gemm(transposeB: true, m: t, n: s, k: dh, alpha: scale, a: qb, lda: d,
                          b: kb, ldb: d, c: p, ldc: s)
                let start = starts[row]
                for i in 0..<t {
                    let pi = p + i * s
                    let last = offset + i
                    guard start <= last else {
                        pi.update(repeating: 0, count: s)
                        continue
                    }
                    let count = last - start + 1
                    let row = pi + start
                    let m = maximumOf(row, count)
                    for j in 0..<count { row[j] = fastExp(row[j] - m) }
                    let inv = 1 / sumOf(row, count)
                    for j in 0..<count { row[j] *= inv }
                    if start > 0 { pi.update(repeating: 0, count: start) }
                    if last + 1 < s { (pi + last + 1).update(repeating: 0, count: s - last - 1) }
                }
                // out[T, Dh] = P v
                BLAS.gemm(m: t, n: dh, k: s, a: p, lda: s, b: vb, ldb: d, c: ob, ldc: d)
            }
        }
    }

    /// The decoding case, one query per row: direct loops instead of tiny GEMMs.
    func singleQueryForward(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, starts: [Int]
    ) {
        let (s, d, dh, scale) = (keys, dim, headDimension, self.scale)
        let p = UnsafeMutablePointer<Float>.allocate(capacity: s)
        defer { p.deallocate() }
        for row in 0..<batch {
            let start = starts[row], last = s - 1
            for head in 0..<heads {
                let qh = q + row * d + head * dh
                let oh = out + row * d + head * dh
                oh.update(repeating: 0, count: dh)
                guard start <= last else { continue }
                for j in start...last {
                    p[j] = dotProduct(qh, k + row * keyBatchStride + j * d + head * dh, dh) * scale
                }
                let count = last - start + 1
                let m = maximumOf(p + start, count)
                for j in start...last { p[j] = fastExp(p[j] - m) }
                let inv = 1 / sumOf(p + start, count)
                for j in start...last {
                    let w = p[j] * inv
                    let vj = v + row * keyBatchStride + j * d + head * dh
                    for i in 0..<dh { oh[i] += w * vj[i] }
                }
            }
        }
    }

    /// Accumulates the gradients of q, k and v (those that are non-nil) given `dOut`.
    func backward(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        dOut: UnsafePointer<Float>, probabilities: UnsafePointer<Float>,
        dq: (pointer: UnsafeMutablePointer<Float>, overwrite: Bool)?,
        dk: (pointer: UnsafeMutablePointer<Float>, overwrite: Bool)?,
        dv: (pointer: UnsafeMutablePointer<Float>, overwrite: Bool)?
    ) {
        let (t, s, d, dh) = (queries, keys, dim, headDimension)
        let scale = self.scale
        parallelFor(batch * heads, workPerItem: 3 * t * s * dh) { items in
            let dp = UnsafeMutablePointer<Float>.allocate(capacity: t * s)
            defer { dp.deallocate() }
            for item in items {
                let (row, head) = (item / heads, item % heads)
                let p = probabilities + item * t * s
                let qb = q + row * t * d + head * dh
                let kb = k + row * keyBatchStride + head * dh
                let vb = v + row * keyBatchStride + head * dh
                let gb = dOut + row * t * d + head * dh
                if let dv {  // dV[S, Dh] += Pᵀ dO
                    BLAS.gemm(transposeA: true, m: s, n: dh, k: t, a: p, lda: s, b: gb, ldb: d,
                              beta: dv.overwrite ? 0 : 1, c: dv.pointer + row * keyBatchStride + head * dh, ldc: d)
                }
                guard dq != nil || dk != nil else { continue }
                // dP[T, S] = dO vᵀ, then dS = P ⊙ (dP − rowsum(dP ⊙ P)) · scale, in place.
                BLAS.gemm(transposeB: true, m: t, n: s, k: dh, a: gb, lda: d, b: vb, ldb: d,
                          c: dp, ldc: s)
                for i in 0..<t {
                    let pi = p + i * s, di = dp + i * s
                    let dot = dotProduct(pi, di, s)
                    for j in 0..<s { di[j] = pi[j] * (di[j] - dot) * scale }
                }
                if let dq {  // dQ[T, Dh] += dS k
                    BLAS.gemm(m: t, n: dh, k: s, a: dp, lda: s, b: kb, ldb: d, beta: dq.overwrite ? 0 : 1,
                              c: dq.pointer + row * t * d + head * dh, ldc: d)
                }
                if let dk {  // dK[S, Dh] += dSᵀ q
                    BLAS.gemm(transposeA: true, m: s, n: dh, k: t, a: dp, lda: s, b: qb, ldb: d,
                              beta: dk.overwrite ? 0 : 1, c: dk.pointer + row * keyBatchStride + head * dh, ldc: d)
                }
            }
        }
    }
}

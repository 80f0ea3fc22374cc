// Fused causal multi-head attention over a key/value cache, forward and backward.
// Notation: B batch, Tq query positions, Tk key positions (past + current), H heads, D head
// dimension, C = H·D. q is [B, Tq, H, D]; k, v are [B, Tk, H, D]; the output is [B, Tq, H, D].
// Head (b, h) of q is the strided matrix starting at q + b·Tq·C + h·D with row stride C, so
// every product below is one cblas_sgemm with leading dimension C: no transposes are copied.
//
// Per (b, h):  S = scale · Q·Kᵀ (Tq×Tk), masked, P = softmax(S) row-wise, O = P·V.
// Backward:    dP = dO·Vᵀ,  dV += Pᵀ·dO,  dS = P ∘ (dP − rowsum(dP ∘ P)) · scale,
//              dQ += dS·K,  dK += dSᵀ·Q.
// Mask: query i sits at key-timeline index i + offset and sees keys j ≤ i + offset whose
// padding flag is true. A query that sees no key outputs zeros.

import Foundation

/// Causal multi-head attention (scaled dot product), optionally over cached keys and values.
///
/// - Parameters:
///   - query: `[B, Tq, H, D]` (rotary already applied).
///   - key, value: `[B, Tk, H, D]`, the cached past positions followed by the current ones.
///   - queryOffset: key-timeline index of the first query; defaults to `Tk − Tq` (the queries
///     are the last Tq keys, the usual KV-cache case).
///   - keyPadding: optional B·Tk flags, row-major over (batch, key); `false` keys are never
///     attended (left/right padding).
///   - scale: defaults to 1/√D.
/// - Returns: `[B, Tq, H, D]`; reshape to `[B, Tq, C]` for the output projection.
public func causalAttention(query: Tensor, key: Tensor, value: Tensor, queryOffset: Int? = nil,
                            keyPadding: [Bool]? = nil, scale: Float? = nil) -> Tensor {
    let profiled = Profiler.open(.attention)
    defer { Profiler.close(profiled) }
    precondition(query.rank == 4 && key.rank == 4 && key.shape == value.shape,
                 "causalAttention: q \(query.shape), k \(key.shape), v \(value.shape) must be [B, T, H, D]")
    let (B, Tq, H, D) = (query.shape[0], query.shape[1], query.shape[2], query.shape[3])
    let Tk = key.shape[1]
    precondition(key.shape[0] == B && key.shape[2] == H && key.shape[3] == D,
                 "causalAttention: key \(key.shape) does not match query \(query.shape)")
    let offset = queryOffset ?? (Tk - Tq)
    if let keyPadding { precondition(keyPadding.count == B * Tk, "causalAttention: \(keyPadding.count) padding flags for B·Tk = \(B * Tk)") }
    let alpha = scale ?? 1 / Float(D).squareRoot()
    let C = H * D
    let (q, k, v) = (query.data, key.data, value.data)
    let out = Tensor(uninitialized: query.shape)
    let o = out.data
    let recording = Autograd.needsGrad(query, key, value)
    // Probabilities of every head pair (kept for backward when recording). Head pairs are
    // independent, so they are spread over the engine's threads (each GEMM is small enough
    // that OpenBLAS runs it on the calling thread).
    let probs = Storage(count: B * H * Tq * Tk, zeroed: false)
    let mask = keyPadding.map { flags -> Storage in
        let s = Storage(count: B * Tk, zeroed: false)
        for i in 0..<(B * Tk) { s.pointer[i] = flags[i] ? 0 : -.infinity }
        return s
    }
    let maskPtr = mask?.pointer
    Parallel.forEach(B * H, workPerItem: Tq * Tk * D) { pair in
        let (b, h) = (pair / H, pair % H)
        let p = probs.pointer + pair * Tq * Tk
        let qh = q + b * Tq * C + h * D, kh = k + b * Tk * C + h * D, vh = v + b * Tk * C + h * D
        BLAS.gemm(transposeB: true, m: Tq, n: Tk, k: D, alpha: alpha,
                  a: qh, lda: C, b: kh, ldb: C, c: p, ldc: Tk)
        for i in 0..<Tq {
            let row = p + i * Tk
            let visible = min(Tk, max(0, i + offset + 1))
            if let maskPtr {
                let m = maskPtr + b * Tk
                for j in 0..<visible { row[j] += m[j] }
            }
            softmaxRow(row, row, visible)          // keys after the query get probability 0
            for j in visible..<Tk { row[j] = 0 }
        }
        BLAS.gemm(m: Tq, n: D, k: Tk, a: p, lda: Tk, b: vh, ldb: C, c: o + b * Tq * C + h * D, ldc: C)
    }
    if recording {
        out.recordOp(inputs: [query, key, value]) { out in
            let dO = out.gradBuffer()
            // Fresh gradient buffers are overwritten (beta 0) instead of zero-filled and added
            // to; only safe when q, k and v are different tensors, as the head pairs interleave.
            let distinct = query !== key && key !== value && query !== value
            func target(_ t: Tensor) -> (pointer: UnsafeMutablePointer<Float>, beta: Float)? {
                guard t.requiresGrad else { return nil }
                if !distinct { return (t.gradBuffer(), 1) }
                let g = t.gradTarget()
                return (g.pointer, g.overwrite ? 0 : 1)
            }
            let (tq, tk, tv) = (target(query), target(key), target(value))
            let (dq, dk, dv) = (tq?.pointer, tk?.pointer, tv?.pointer)
            let (bq, bk, bv) = (tq?.beta ?? 1, tk?.beta ?? 1, tv?.beta ?? 1)
            let scratch = Storage(count: B * H * Tq * Tk, zeroed: false)
            Parallel.forEach(B * H, workPerItem: Tq * Tk * D) { pair in
                let (b, h) = (pair / H, pair % H)
                let p = probs.pointer + pair * Tq * Tk
                let dS = scratch.pointer + pair * Tq * Tk
                let qo = b * Tq * C + h * D, ko = b * Tk * C + h * D
                let dOh = dO + qo
                if let dv {
                    BLAS.gemm(transposeA: true, m: Tk, n: D, k: Tq, a: p, lda: Tk, b: dOh, ldb: C,
                              beta: bv, c: dv + ko, ldc: C)
                }
                if dq == nil && dk == nil { return }
                BLAS.gemm(transposeB: true, m: Tq, n: Tk, k: D, a: dOh, lda: C, b: v + ko, ldb: C,
                          c: dS, ldc: Tk)
                for i in 0..<Tq {
                    let pr = p + i * Tk, dr = dS + i * Tk
                    let dot = rowDot(pr, dr, Tk)
                    for j in 0..<Tk { dr[j] = pr[j] * (dr[j] - dot) * alpha }
                }
                if let dq {
                    BLAS.gemm(m: Tq, n: D, k: Tk, a: dS, lda: Tk, b: k + ko, ldb: C,
                              beta: bq, c: dq + qo, ldc: C)
                }
                if let dk {
                    BLAS.gemm(transposeA: true, m: Tk, n: D, k: Tq, a: dS, lda: Tk, b: q + qo, ldb: C,
                              beta: bk, c: dk + ko, ldc: C)
                }
            }
        }
    }
    return out
}

// Matrix products: matmul, batched matmul and linear. All through cblas_sgemm (BLAS.gemm),
// transposes expressed as flags. Notation: op(A) is M×K, op(B) is K×N, C is M×N.
//
// Backward of C = op(A)·op(B), with dC the output gradient:
//   d op(A) = dC · op(B)ᵀ      d op(B) = op(A)ᵀ · dC
// and when an operand is stored transposed its gradient is the transpose of the above, which
// is again one GEMM with swapped operands. Every backward GEMM uses beta = 1 (accumulate).

/// The geometry of one (possibly batched) product.
@usableFromInline struct GemmShape {
    @usableFromInline var m, n, k: Int
    @usableFromInline var transposeA, transposeB: Bool
    @usableFromInline var batch: Int
    /// Leading dimensions of A and B as stored.
    @usableFromInline var lda: Int { transposeA ? m : k }
    @usableFromInline var ldb: Int { transposeB ? k : n }
    @usableFromInline var strideA: Int { m * k }
    @usableFromInline var strideB: Int { k * n }
    @usableFromInline var strideC: Int { m * n }

    @usableFromInline init(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, batch: Int) {
        (self.m, self.n, self.k, self.transposeA, self.transposeB, self.batch) = (m, n, k, transposeA, transposeB, batch)
    }

    /// C = op(A)·op(B) for each batch item (beta 0).
    @usableFromInline func forward(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>) {
        for i in 0..<batch {
            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                      a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb,
                      c: c + i * strideC, ldc: n)
        }
    }

    /// dA += gradient of A given dC (A stored as in forward); beta 0 overwrites dA instead.
    @usableFromInline func backwardA(_ dC: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dA: UnsafeMutablePointer<Float>,
                                     beta: Float = 1) {
        for i in 0..<batch {
            let dc = dC + i * strideC, bb = b + i * strideB, da = dA + i * strideA
            if transposeA {  // dA (K×M) = op(B) · dCᵀ
                BLAS.gemm(transposeA: transposeB, transposeB: true, m: k, n: m, k: n,
                          a: bb, lda: ldb, b: dc, ldb: n, beta: beta, c: da, ldc: m)
            } else {         // dA (M×K) = dC · op(B)ᵀ
                BLAS.gemm(transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
                          a: dc, lda: n, b: bb, ldb: ldb, beta: beta, c: da, ldc: k)
            }
        }
    }

    /// dB += gradient of B given dC (B stored as in forward).
    @usableFromInline func backwardB(_ dC: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ dB: UnsafeMutablePointer<Float>,
                                     beta: Float = 1) {
        for i in 0..<batch {
            let dc = dC + i * strideC, aa = a + i * strideA, db = dB + i * strideB
            if transposeB {  // dB (N×K) = dCᵀ · op(A)
                BLAS.gemm(transposeA: true, transposeB: transposeA, m: n, n: k, k: m,
                          a: dc, lda: n, b: aa, ldb: lda, beta: beta, c: db, ldc: k)
            } else {         // dB (K×N) = op(A)ᵀ · dC
                BLAS.gemm(transposeA: !transposeA, transposeB: false, m: k, n: n, k: m,
                          a: aa, lda: lda, b: dc, ldb: n, beta: beta, c: db, ldc: n)
            }
        }
    }
}

/// Records the backward of a product `out = op(a)·op(b)` with geometry `g`.
@inlinable func recordGemm(_ out: Tensor, _ a: Tensor, _ b: Tensor, _ g: GemmShape) {
    out.recordOp(inputs: [a, b]) { out in
        let dC = out.gradBuffer()
        if a.requiresGrad { let t = a.gradTarget(); g.backwardA(dC, b.data, t.pointer, beta: t.overwrite ? 0 : 1) }
        if b.requiresGrad { let t = b.gradTarget(); g.backwardB(dC, a.data, t.pointer, beta: t.overwrite ? 0 : 1) }
    }
}

/// Matrix product `op(a) · op(b)` of two matrices.
///
/// Shapes: `a` is `[M, K]` (or `[K, M]` with `transposeA`), `b` is `[K, N]` (or `[N, K]` with
/// `transposeB`); the result is `[M, N]`. Without `transposeA`, `a` may have extra leading
/// dimensions `[..., K]`, which are flattened into M and restored in the result `[..., N]`.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(b.rank == 2, "matmul: b must be a matrix, got \(b.shape)")
    precondition(transposeA ? a.rank == 2 : a.rank >= 1, "matmul: a has shape \(a.shape)")
    let k = transposeA ? a.shape[0] : a.shape[a.rank - 1]
    let m = a.count / max(k, 1)
    let (bk, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    precondition(k == bk, "matmul: inner dimensions differ, \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
    let outShape = transposeA ? [m, n] : Array(a.shape.dropLast()) + [n]
    let g = GemmShape(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, batch: 1)
    let out = Tensor(uninitialized: outShape)
    g.forward(a.data, b.data, out.data)
    if Autograd.needsGrad(a, b) { recordGemm(out, a, b, g) }
    return out
}

/// Batched matrix product: `op(a[i]) · op(b[i])` for every leading index `i`.
///
/// Shapes: `a` is `[..., M, K]` (`[..., K, M]` with `transposeA`), `b` is `[..., K, N]`
/// (`[..., N, K]` with `transposeB`), with equal leading dimensions; result `[..., M, N]`.
public func batchedMatmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(a.rank >= 3 && a.rank == b.rank, "batchedMatmul: shapes \(a.shape) and \(b.shape)")
    let lead = Array(a.shape.dropLast(2))
    precondition(lead == Array(b.shape.dropLast(2)), "batchedMatmul: batch dimensions differ, \(a.shape) vs \(b.shape)")
    let (m, k) = transposeA ? (a.shape[a.rank - 1], a.shape[a.rank - 2]) : (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (bk, n) = transposeB ? (b.shape[b.rank - 1], b.shape[b.rank - 2]) : (b.shape[b.rank - 2], b.shape[b.rank - 1])
    precondition(k == bk, "batchedMatmul: inner dimensions differ, \(a.shape) · \(b.shape)")
    let g = GemmShape(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                      batch: lead.reduce(1, *))
    let out = Tensor(uninitialized: lead + [m, n])
    g.forward(a.data, b.data, out.data)
    if Autograd.needsGrad(a, b) { recordGemm(out, a, b, g) }
    return out
}

/// Fully connected layer in Hugging Face layout: `x · weightᵀ + bias`.
///
/// Shapes: `x` `[..., in]`, `weight` `[out, in]`, `bias` `[out]` (optional); result `[..., out]`.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(weight.rank == 2 && x.dim(-1) == weight.shape[1],
                 "linear: input \(x.shape) does not match weight \(weight.shape) ([out, in])")
    let (rows, nOut) = (x.count / weight.shape[1], weight.shape[0])
    let g = GemmShape(m: rows, n: nOut, k: weight.shape[1], transposeA: false, transposeB: true, batch: 1)
    let out = Tensor(uninitialized: Array(x.shape.dropLast()) + [nOut])
    let o = out.data
    if let bias {
        precondition(bias.shape == [nOut], "linear: bias \(bias.shape) for \(nOut) outputs")
        for r in 0..<rows { (o + r * nOut).update(from: bias.data, count: nOut) }
        BLAS.gemm(transposeB: true, m: rows, n: nOut, k: g.k, a: x.data, lda: g.k,
                  b: weight.data, ldb: g.k, beta: 1, c: o, ldc: nOut)
    } else {
        g.forward(x.data, weight.data, o)
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    if Autograd.needsGrad(inputs) {
        out.recordOp(inputs: inputs) { out in
            let dC = out.gradBuffer()
            if x.requiresGrad { let t = x.gradTarget(); g.backwardA(dC, weight.data, t.pointer, beta: t.overwrite ? 0 : 1) }
            if weight.requiresGrad { let t = weight.gradTarget(); g.backwardB(dC, x.data, t.pointer, beta: t.overwrite ? 0 : 1) }
            if let bias, bias.requiresGrad {
                let db = bias.gradBuffer()
                for r in 0..<rows {
                    let row = dC + r * nOut
                    for j in 0..<nOut { db[j] += row[j] }
                }
            }
        }
    }
    return out
}

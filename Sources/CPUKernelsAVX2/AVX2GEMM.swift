// Matrix products for CPUs with AVX2 and FMA at the model's small shapes, without packing.
//
// OpenBLAS 0.3.21 runs every product through its general path, which copies both operands into
// packed panels on every call; at the distillation step's shapes (2 to 100 rows against a
// 128 × 352 weight) that copying costs about as much as the arithmetic. Here nothing is copied:
// - `gemmNN`: C = alpha · op(A) · B + beta · C with B stored K × N (its rows are contiguous):
//   the input gradient dX = dY · W and, with A read transposed, the weight gradient
//   dW += dYᵀ · X. Register tiles of 4 rows × 16 columns (8 ymm accumulators; A broadcast, two B
//   loads per depth step), 2 × 16 and 1 × 16 with the depth split in two interleaved halves so
//   that a short tile still has 8 (or 4) independent FMA chains. The depth is cut into blocks
//   (`depthBlock`) so that the rows of B a block reads stay in L2 while every row tile reads them.
// - `gemmNT`: C = alpha · A · Bᵀ + beta · C with B stored N × K (a linear layer's weight): each
//   output is a dot product of two contiguous rows; tiles of 2 rows of A × 4 rows of B (8
//   accumulators over the depth), rows of A in blocks of `rowBlock` so that they stay in L1
//   while all of B streams past them.
// The module is compiled for x86-64-v3 (AVX2 + FMA); TensorCore calls it only when the CPU
// reports both (CPUFeatures), see `BLAS.gemm`.

import Dispatch

extension AVX2Kernels {
    /// C[M×N] = alpha · op(A) · op(B) + beta · C, row-major, the contract of cblas_sgemm (see
    /// `PackedGEMM.gemm`), for every layout but Aᵀ·Bᵀ (precondition): `gemmNN` when B is not
    /// transposed, `gemmNT` when it is. `threads > 1` splits the rows of C when each part gets
    /// enough work to pay for waking a thread (about 2 M multiply-adds).
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int = 1
    ) {
        precondition(!(transposeA && transposeB), "AVX2Kernels.gemm: Aᵀ·Bᵀ is not a layout of this kernel")
        let job = RowsJob(transposeB: transposeB, n: n, k: k, alpha: alpha, a: a, lda: lda,
                          rowStride: transposeA ? 1 : lda, depthStride: transposeA ? lda : 1,
                          b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        let parts = min(max(threads, 1), max(1, m * n * k / (1 << 21)), (m + 3) / 4)
        if parts <= 1 {
            job.run(0..<m)
            return
        }
        let chunk = ((m + parts - 1) / parts + 3) / 4 * 4
        DispatchQueue.concurrentPerform(iterations: parts) { t in
            let lo = t * chunk, hi = min(m, lo + chunk)
            if lo < hi { job.run(lo..<hi) }
        }
    }

    /// Depth per block of `gemmNN` (rows of B kept hot while all row tiles of C use them).
    public static let depthBlock = 256
    /// Rows of A per block of `gemmNT` (kept in L1 while every row of B passes).
    public static let rowBlock = 32

    /// C[M×N] = alpha · op(A) · B + beta · C, row-major; B is K×N with row stride `ldb`.
    /// Element (i, p) of op(A) is `a[i * rowStride + p * depthStride]`: (lda, 1) for A stored
    /// M×K, (1, lda) for Aᵀ with A stored K×M. With `beta = 0` C is only written.
    public static func gemmNN(
        m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, rowStride: Int, depthStride: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 1, "AVX2Kernels.gemmNN: bad sizes m \(m), n \(n), k \(k)")
        if m == 0 || n == 0 { return }
        // The last columns (fewer than 16) read a zero-padded copy of their strip of B.
        let edge = n % 16, full = n - edge
        var p0 = 0
        while p0 < k {
            let depth = min(depthBlock, k - p0)
            let blockBeta = p0 == 0 ? beta : 1
            let ab = a + p0 * depthStride, bb = b + p0 * ldb
            var j = 0
            while j < full {
                sweepNN(m: m, depth: depth, alpha: alpha, beta: blockBeta, a: ab, rs: rowStride, ds: depthStride,
                        b: bb + j, ldb: ldb, c: c + j, ldc: ldc, width: 16)
                j += 16
            }
            if edge > 0 {
                withUnsafeTemporaryAllocation(of: Float.self, capacity: depth * 16) { strip in
                    let s = strip.baseAddress!
                    for p in 0..<depth {
                        let row = s + p * 16
                        row.initialize(repeating: 0, count: 16)
                        row.update(from: bb + p * ldb + full, count: edge)
                    }
                    sweepNN(m: m, depth: depth, alpha: alpha, beta: blockBeta, a: ab, rs: rowStride, ds: depthStride,
                            b: UnsafePointer(s), ldb: 16, c: c + full, ldc: ldc, width: edge)
                }
            }
            p0 += depth
        }
    }

    /// All rows of C for one 16-column strip: tiles of 4 rows, then 2, then 1.
    @inline(__always)
    static func sweepNN(m: Int, depth: Int, alpha: Float, beta: Float, a: UnsafePointer<Float>, rs: Int, ds: Int,
                        b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, width: Int) {
        var i = 0
        while i + 4 <= m { tile4(a + i * rs, rs, ds, b, ldb, depth, alpha, beta, c + i * ldc, ldc, width); i += 4 }
        if i + 2 <= m { tile2(a + i * rs, rs, ds, b, ldb, depth, alpha, beta, c + i * ldc, ldc, width); i += 2 }
        if i < m { tile1(a + i * rs, ds, b, ldb, depth, alpha, beta, c + i * ldc, width) }
    }

    @inline(never)
    static func tile4(_ a: UnsafePointer<Float>, _ rs: Int, _ ds: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ k: Int,
                      _ alpha: Float, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ width: Int) {
        var c00 = V8(), c01 = V8(), c10 = V8(), c11 = V8(), c20 = V8(), c21 = V8(), c30 = V8(), c31 = V8()
        let a0 = a, a1 = a + rs, a2 = a + 2 * rs, a3 = a + 3 * rs
        var bp = b
        for p in 0..<k {
            let b0 = load8(bp), b1 = load8(bp + 8)
            bp += ldb
            let o = p * ds
            var s = V8(repeating: a0[o]); c00 = c00.addingProduct(s, b0); c01 = c01.addingProduct(s, b1)
            s = V8(repeating: a1[o]); c10 = c10.addingProduct(s, b0); c11 = c11.addingProduct(s, b1)
            s = V8(repeating: a2[o]); c20 = c20.addingProduct(s, b0); c21 = c21.addingProduct(s, b1)
            s = V8(repeating: a3[o]); c30 = c30.addingProduct(s, b0); c31 = c31.addingProduct(s, b1)
        }
        storeRow(c, c00, c01, alpha, beta, width)
        storeRow(c + ldc, c10, c11, alpha, beta, width)
        storeRow(c + 2 * ldc, c20, c21, alpha, beta, width)
        storeRow(c + 3 * ldc, c30, c31, alpha, beta, width)
    }

    /// Two rows; even and odd depth steps accumulate apart (eight FMA chains).
    @inline(never)
    static func tile2(_ a: UnsafePointer<Float>, _ rs: Int, _ ds: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ k: Int,
                      _ alpha: Float, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ width: Int) {
        var c00 = V8(), c01 = V8(), c10 = V8(), c11 = V8()
        var d00 = V8(), d01 = V8(), d10 = V8(), d11 = V8()
        let a0 = a, a1 = a + rs
        var bp = b, p = 0
        while p + 2 <= k {
            let b0 = load8(bp), b1 = load8(bp + 8), e0 = load8(bp + ldb), e1 = load8(bp + ldb + 8)
            bp += 2 * ldb
            let o = p * ds, q = o + ds
            var s = V8(repeating: a0[o]); c00 = c00.addingProduct(s, b0); c01 = c01.addingProduct(s, b1)
            s = V8(repeating: a1[o]); c10 = c10.addingProduct(s, b0); c11 = c11.addingProduct(s, b1)
            s = V8(repeating: a0[q]); d00 = d00.addingProduct(s, e0); d01 = d01.addingProduct(s, e1)
            s = V8(repeating: a1[q]); d10 = d10.addingProduct(s, e0); d11 = d11.addingProduct(s, e1)
            p += 2
        }
        if p < k {
            let b0 = load8(bp), b1 = load8(bp + 8), o = p * ds
            var s = V8(repeating: a0[o]); c00 = c00.addingProduct(s, b0); c01 = c01.addingProduct(s, b1)
            s = V8(repeating: a1[o]); c10 = c10.addingProduct(s, b0); c11 = c11.addingProduct(s, b1)
        }
        storeRow(c, c00 + d00, c01 + d01, alpha, beta, width)
        storeRow(c + ldc, c10 + d10, c11 + d11, alpha, beta, width)
    }

    /// One row; even and odd depth steps accumulate apart.
    @inline(never)
    static func tile1(_ a: UnsafePointer<Float>, _ ds: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ k: Int,
                      _ alpha: Float, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ width: Int) {
        var c0 = V8(), c1 = V8(), d0 = V8(), d1 = V8()
        var bp = b, p = 0
        while p + 2 <= k {
            var s = V8(repeating: a[p * ds])
            c0 = c0.addingProduct(s, load8(bp)); c1 = c1.addingProduct(s, load8(bp + 8))
            s = V8(repeating: a[(p + 1) * ds])
            d0 = d0.addingProduct(s, load8(bp + ldb)); d1 = d1.addingProduct(s, load8(bp + ldb + 8))
            bp += 2 * ldb
            p += 2
        }
        if p < k {
            let s = V8(repeating: a[p * ds])
            c0 = c0.addingProduct(s, load8(bp)); c1 = c1.addingProduct(s, load8(bp + 8))
        }
        storeRow(c, c0 + d0, c1 + d1, alpha, beta, width)
    }

    /// out[0..<width] = alpha · (lo, hi) + beta · out (out only read when beta ≠ 0).
    @inline(__always)
    static func storeRow(_ out: UnsafeMutablePointer<Float>, _ lo: V8, _ hi: V8, _ alpha: Float, _ beta: Float, _ width: Int) {
        let scale = V8(repeating: alpha)
        if width == 16 {
            var l = lo * scale, h = hi * scale
            if beta != 0 {
                let keep = V8(repeating: beta)
                l = l.addingProduct(keep, load8(out))
                h = h.addingProduct(keep, load8(out + 8))
            }
            store8(out, l)
            store8(out + 8, h)
        } else {
            for j in 0..<width {
                let v = alpha * (j < 8 ? lo[j] : hi[j - 8])
                out[j] = beta == 0 ? v : v + beta * out[j]
            }
        }
    }

    /// C[M×N] = alpha · A · Bᵀ + beta · C, row-major, with A M×K (row stride `lda`) and B N×K
    /// (row stride `ldb`); with `beta = 0` C is only written.
    public static func gemmNT(
        m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 1, "AVX2Kernels.gemmNT: bad sizes m \(m), n \(n), k \(k)")
        var i0 = 0
        while i0 < m {
            let rows = min(rowBlock, m - i0)
            let ab = a + i0 * lda, cb = c + i0 * ldc
            var j = 0
            while j + 4 <= n {
                var i = 0
                while i + 2 <= rows {
                    dot2x4(ab + i * lda, lda, b + j * ldb, ldb, k, alpha, beta, cb + i * ldc + j, ldc)
                    i += 2
                }
                if i < rows {
                    rowDot(m: 1, n: 4, k: k, alpha: alpha, a: ab + i * lda, lda: lda, b: b + j * ldb, ldb: ldb,
                           beta: beta, c: cb + i * ldc + j, ldc: ldc)
                }
                j += 4
            }
            if j < n {
                rowDot(m: rows, n: n - j, k: k, alpha: alpha, a: ab, lda: lda, b: b + j * ldb, ldb: ldb,
                       beta: beta, c: cb + j, ldc: ldc)
            }
            i0 += rows
        }
    }

    /// Two rows of A against four rows of B: eight dot products, each over the whole depth.
    @inline(never)
    static func dot2x4(_ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ k: Int,
                       _ alpha: Float, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        let x0 = a, x1 = a + lda
        let b0 = b, b1 = b + ldb, b2 = b + 2 * ldb, b3 = b + 3 * ldb
        var s00 = V8(), s01 = V8(), s02 = V8(), s03 = V8(), s10 = V8(), s11 = V8(), s12 = V8(), s13 = V8()
        let whole = k / 8 * 8
        var p = 0
        while p < whole {
            let u = load8(x0 + p), v = load8(x1 + p)
            var w = load8(b0 + p); s00 = s00.addingProduct(u, w); s10 = s10.addingProduct(v, w)
            w = load8(b1 + p); s01 = s01.addingProduct(u, w); s11 = s11.addingProduct(v, w)
            w = load8(b2 + p); s02 = s02.addingProduct(u, w); s12 = s12.addingProduct(v, w)
            w = load8(b3 + p); s03 = s03.addingProduct(u, w); s13 = s13.addingProduct(v, w)
            p += 8
        }
        var d = V8(s00.sum(), s01.sum(), s02.sum(), s03.sum(), s10.sum(), s11.sum(), s12.sum(), s13.sum())
        while p < k {
            let u = x0[p], v = x1[p]
            d[0] += u * b0[p]; d[1] += u * b1[p]; d[2] += u * b2[p]; d[3] += u * b3[p]
            d[4] += v * b0[p]; d[5] += v * b1[p]; d[6] += v * b2[p]; d[7] += v * b3[p]
            p += 1
        }
        for r in 0..<2 {
            for j in 0..<4 { write(c + r * ldc + j, d[r * 4 + j], alpha, beta) }
        }
    }
}

@inline(__always) func store8(_ p: UnsafeMutablePointer<Float>, _ v: V8) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V8.self)
}

/// One product's operands, shared read-only by the threads that split its rows (each writes
/// only the rows of C it is given).
struct RowsJob: @unchecked Sendable {
    let transposeB: Bool
    let n, k: Int
    let alpha: Float
    let a: UnsafePointer<Float>
    let lda, rowStride, depthStride: Int
    let b: UnsafePointer<Float>
    let ldb: Int
    let beta: Float
    let c: UnsafeMutablePointer<Float>
    let ldc: Int

    func run(_ rows: Range<Int>) {
        let a0 = a + rows.lowerBound * rowStride, c0 = c + rows.lowerBound * ldc
        if transposeB {
            AVX2Kernels.gemmNT(m: rows.count, n: n, k: k, alpha: alpha, a: a0, lda: lda, b: b, ldb: ldb,
                               beta: beta, c: c0, ldc: ldc)
        } else {
            AVX2Kernels.gemmNN(m: rows.count, n: n, k: k, alpha: alpha, a: a0, rowStride: rowStride,
                               depthStride: depthStride, b: b, ldb: ldb, beta: beta, c: c0, ldc: ldc)
        }
    }
}

// A single-precision GEMM with its right operand packed into 32-column panels and a register
// tile of 8 rows × 32 columns (16 SIMD16 accumulators). In release builds on x86-64 this module
// is compiled for AVX-512 (x86-64-v4, see Package.swift), so each accumulator is one zmm
// register and each step of the inner loop is two loads and sixteen fused multiply-adds on
// broadcast values of A.
//
// Why it exists: at the model's shapes (K = 128 or 352, a few hundred columns, a thousand rows
// per worker) OpenBLAS 0.3.21 spends a third of its time packing both operands and zeroing C
// (a profile of 2026-11-27), and its kernel runs well below the core's peak. Here only B is
// packed (it is the small weight matrix), A is read in place, and C is written once.
//
// This module holds only kernels: whether the CPU can run them is decided in TensorCore
// (`BLAS.gemm`), which is compiled for a baseline every x86-64 CPU of the last decade runs.

import Dispatch

/// The instruction set this module was compiled for.
public enum KernelTarget: Sendable {
    /// x86-64-v4: needs AVX-512 F, BW, CD, DQ and VL at run time.
    case avx512
    /// The compiler's baseline for the platform: runs on any CPU of the architecture.
    case generic
}

public enum PackedGEMM {
    #if LATENT_AVX512
    public static let target = KernelTarget.avx512
    #else
    public static let target = KernelTarget.generic
    #endif

    /// Columns per packed panel of B (two SIMD16 vectors).
    public static let panelWidth = 32

    /// C[M×N] = alpha · op(A) · op(B) + beta · C, row-major, the same contract as cblas_sgemm:
    /// `op(A)` is A (M×K, row stride `lda`) or, with `transposeA`, Aᵀ where A is stored K×M;
    /// `op(B)` is B (K×N, row stride `ldb`) or, with `transposeB`, Bᵀ where B is stored N×K.
    /// With `beta = 0` C is only written, never read. `threads > 1` splits the rows of C.
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int = 1
    ) {
        precondition(m >= 0 && n >= 0 && k >= 1, "PackedGEMM.gemm: bad sizes m \(m), n \(n), k \(k)")
        if m == 0 || n == 0 { return }
        let panels = (n + panelWidth - 1) / panelWidth
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: panels * k * panelWidth)
        defer { packed.deallocate() }
        pack(transposeB: transposeB, n: n, k: k, b: b, ldb: ldb, into: packed)
        let rowStride = transposeA ? 1 : lda, depthStride = transposeA ? lda : 1
        let job = Job(m: m, n: n, k: k, alpha: alpha, beta: beta, a: a, rowStride: rowStride,
                      depthStride: depthStride, packed: packed, c: c, ldc: ldc)
        // Rows are split in multiples of the tile height, and only when each thread gets
        // enough work to pay for waking it (about 2 M multiply-adds).
        let parts = min(max(threads, 1), max(1, m * n * k / (1 << 21)), (m + 7) / 8)
        if parts <= 1 {
            job.run(rows: 0..<m)
            return
        }
        let chunk = ((m + parts - 1) / parts + 7) / 8 * 8
        DispatchQueue.concurrentPerform(iterations: parts) { t in
            let lo = t * chunk, hi = min(m, lo + chunk)
            if lo < hi { job.run(rows: lo..<hi) }
        }
    }

    /// Copies op(B) (K×N) into panels of `panelWidth` columns: panel p is K rows of
    /// `panelWidth` floats, columns past N are zero.
    static func pack(transposeB: Bool, n: Int, k: Int, b: UnsafePointer<Float>, ldb: Int,
                     into packed: UnsafeMutablePointer<Float>) {
        let w = panelWidth
        let panels = (n + w - 1) / w
        for p in 0..<panels {
            let dst = packed + p * k * w
            let j0 = p * w, width = min(w, n - j0)
            if width < w { dst.initialize(repeating: 0, count: k * w) }
            if transposeB {
                // B stored N×K: column j of op(B) is row j of B, contiguous.
                for jj in 0..<width {
                    let src = b + (j0 + jj) * ldb
                    for kk in 0..<k { dst[kk * w + jj] = src[kk] }
                }
            } else {
                for kk in 0..<k { (dst + kk * w).update(from: b + kk * ldb + j0, count: width) }
            }
        }
    }
}

typealias V16 = SIMD16<Float>

@inline(__always) func load16(_ p: UnsafePointer<Float>) -> V16 {
    UnsafeRawPointer(p).loadUnaligned(as: V16.self)
}

@inline(__always) func store16(_ p: UnsafeMutablePointer<Float>, _ v: V16) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V16.self)
}

/// One product's operands, shared read-only by the threads that split its rows.
struct Job: @unchecked Sendable {
    let m, n, k: Int
    let alpha, beta: Float
    let a: UnsafePointer<Float>
    let rowStride, depthStride: Int
    let packed: UnsafePointer<Float>
    let c: UnsafeMutablePointer<Float>
    let ldc: Int

    init(m: Int, n: Int, k: Int, alpha: Float, beta: Float, a: UnsafePointer<Float>, rowStride: Int,
         depthStride: Int, packed: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int) {
        (self.m, self.n, self.k, self.alpha, self.beta) = (m, n, k, alpha, beta)
        (self.a, self.rowStride, self.depthStride) = (a, rowStride, depthStride)
        (self.packed, self.c, self.ldc) = (UnsafePointer(packed), c, ldc)
    }

    func run(rows: Range<Int>) {
        // The two layouts of A get their own copy of the loops, so that the unit stride is a
        // constant the compiler folds into the addressing.
        if depthStride == 1 {
            sweep(rows: rows, rowStride: rowStride, depthStride: 1)
        } else {
            sweep(rows: rows, rowStride: 1, depthStride: depthStride)
        }
    }

    @inline(__always)
    func sweep(rows: Range<Int>, rowStride rs: Int, depthStride ds: Int) {
        let w = PackedGEMM.panelWidth
        let panels = (n + w - 1) / w
        withUnsafeTemporaryAllocation(of: V16.self, capacity: 16) { tileBuffer in
            let tile = tileBuffer.baseAddress!
            for p in 0..<panels {
                let bp = packed + p * k * w
                let j0 = p * w, width = min(w, n - j0)
                var i = rows.lowerBound
                while i < rows.upperBound {
                    let height = rows.upperBound - i >= 8 ? 8 : 1
                    let ap = a + i * rs
                    if height == 8 { tile8(ap, rs, ds, bp, tile) } else { tile1(ap, ds, bp, tile) }
                    store(tile, rows: height, row0: i, column0: j0, width: width)
                    i += height
                }
            }
        }
    }

    /// C[rows, columns] = alpha · tile + beta · C for a tile of `rows` × 32 accumulators
    /// (row r in tile[2r], tile[2r + 1]), of which the first `width` columns are real.
    @inline(__always)
    func store(_ tile: UnsafeMutablePointer<V16>, rows: Int, row0: Int, column0: Int, width: Int) {
        let scale = V16(repeating: alpha), keep = V16(repeating: beta)
        for r in 0..<rows {
            let out = c + (row0 + r) * ldc + column0
            if width == 32 {
                var lo = tile[2 * r] * scale, hi = tile[2 * r + 1] * scale
                if beta != 0 {
                    lo = lo.addingProduct(keep, load16(out))
                    hi = hi.addingProduct(keep, load16(out + 16))
                }
                store16(out, lo)
                store16(out + 16, hi)
            } else {
                let row = UnsafeMutableRawPointer(tile + 2 * r).assumingMemoryBound(to: Float.self)
                for j in 0..<width {
                    let v = alpha * row[j]
                    out[j] = beta == 0 ? v : v + beta * out[j]
                }
            }
        }
    }

    /// Eight rows: the main tile.
    @inline(__always)
    func tile8(_ a: UnsafePointer<Float>, _ rs: Int, _ ds: Int, _ b: UnsafePointer<Float>,
               _ tile: UnsafeMutablePointer<V16>) {
        var c00 = V16(), c01 = V16(), c10 = V16(), c11 = V16(), c20 = V16(), c21 = V16()
        var c30 = V16(), c31 = V16(), c40 = V16(), c41 = V16(), c50 = V16(), c51 = V16()
        var c60 = V16(), c61 = V16(), c70 = V16(), c71 = V16()
        let a0 = a, a1 = a + rs, a2 = a + 2 * rs, a3 = a + 3 * rs
        let a4 = a + 4 * rs, a5 = a + 5 * rs, a6 = a + 6 * rs, a7 = a + 7 * rs
        var bp = b
        for kk in 0..<k {
            let b0 = load16(bp), b1 = load16(bp + 16)
            bp += 32
            let o = kk * ds
            var s = V16(repeating: a0[o]); c00 = c00.addingProduct(s, b0); c01 = c01.addingProduct(s, b1)
            s = V16(repeating: a1[o]); c10 = c10.addingProduct(s, b0); c11 = c11.addingProduct(s, b1)
            s = V16(repeating: a2[o]); c20 = c20.addingProduct(s, b0); c21 = c21.addingProduct(s, b1)
            s = V16(repeating: a3[o]); c30 = c30.addingProduct(s, b0); c31 = c31.addingProduct(s, b1)
            s = V16(repeating: a4[o]); c40 = c40.addingProduct(s, b0); c41 = c41.addingProduct(s, b1)
            s = V16(repeating: a5[o]); c50 = c50.addingProduct(s, b0); c51 = c51.addingProduct(s, b1)
            s = V16(repeating: a6[o]); c60 = c60.addingProduct(s, b0); c61 = c61.addingProduct(s, b1)
            s = V16(repeating: a7[o]); c70 = c70.addingProduct(s, b0); c71 = c71.addingProduct(s, b1)
        }
        tile[0] = c00; tile[1] = c01; tile[2] = c10; tile[3] = c11
        tile[4] = c20; tile[5] = c21; tile[6] = c30; tile[7] = c31
        tile[8] = c40; tile[9] = c41; tile[10] = c50; tile[11] = c51
        tile[12] = c60; tile[13] = c61; tile[14] = c70; tile[15] = c71
    }

    /// One row: each of the last one to seven rows of M (a tail the model's shapes never have).
    @inline(__always)
    func tile1(_ a: UnsafePointer<Float>, _ ds: Int, _ b: UnsafePointer<Float>,
               _ tile: UnsafeMutablePointer<V16>) {
        var c00 = V16(), c01 = V16()
        var bp = b
        for kk in 0..<k {
            let s = V16(repeating: a[kk * ds])
            c00 = c00.addingProduct(s, load16(bp))
            c01 = c01.addingProduct(s, load16(bp + 16))
            bp += 32
        }
        tile[0] = c00; tile[1] = c01
    }
}

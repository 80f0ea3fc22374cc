// The engine's kernel for CPUs with AVX2 and FMA but not AVX-512 (Zen 2–4 as most clouds
// expose them, Intel client cores): products with few rows against a weight matrix stored row
// by row (C = A · Bᵀ, B is N×K) — decoding one position, a latent step, a small batch. Each
// output is the dot product of a row of A with a row of B, both contiguous, so nothing is packed;
// OpenBLAS 0.3.21 runs such a product through its full GEMM path and packs B on every call. The
// module is compiled for x86-64-v3 (`-target-cpu haswell`, see Package.swift), so each SIMD8 is
// one ymm register; whether this CPU may run it is decided in TensorCore (`BLAS.backend`).
// The AVX-512 twin is CPUKernels' `PackedGEMM.rowDot`.
//
// History: a packed 6 × 16 GEMM for AVX2 (BLIS's Haswell tile, B packed on every call) ran the
// model's larger products no faster than OpenBLAS on a Zen 4 host, and training 7 % slower
// (measured 2026-12-03); unpacked AVX2 kernels for every layout (tag avx2-unpacked-gemm-2026-12-07)
// ran training 20 % and the forward 30 % slower than OpenBLAS's Haswell kernels on the same host
// with AVX2 forced, and the distillation step no faster (measured 2026-12-07), so only this one.

public enum AVX2Kernels {
    /// The instruction set this module was compiled for.
    public enum Target: Sendable {
        /// x86-64-v3: needs AVX2 and FMA at run time.
        case avx2
        /// The compiler's baseline (LATENT_PORTABLE=1, or not x86-64).
        case generic
    }

    #if LATENT_AVX2
    public static let target = Target.avx2
    #else
    public static let target = Target.generic
    #endif

    /// C[M×N] = alpha · A · Bᵀ + beta · C with A M×K (row stride `lda`) and B N×K (row stride
    /// `ldb`), row-major; with `beta = 0` C is only written. Meant for small M.
    public static func rowDot(
        m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 1, "AVX2Kernels.rowDot: bad sizes m \(m), n \(n), k \(k)")
        let whole = k / 8 * 8
        var j = 0
        // Four columns at a time, two accumulators each: eight independent FMA chains.
        while j + 4 <= n {
            let b0 = b + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb
            for i in 0..<m {
                let x = a + i * lda
                var s0 = V8(), s1 = V8(), s2 = V8(), s3 = V8()
                var t0 = V8(), t1 = V8(), t2 = V8(), t3 = V8()
                var p = 0
                while p + 16 <= whole {
                    let v = load8(x + p), u = load8(x + p + 8)
                    s0 = s0.addingProduct(v, load8(b0 + p)); t0 = t0.addingProduct(u, load8(b0 + p + 8))
                    s1 = s1.addingProduct(v, load8(b1 + p)); t1 = t1.addingProduct(u, load8(b1 + p + 8))
                    s2 = s2.addingProduct(v, load8(b2 + p)); t2 = t2.addingProduct(u, load8(b2 + p + 8))
                    s3 = s3.addingProduct(v, load8(b3 + p)); t3 = t3.addingProduct(u, load8(b3 + p + 8))
                    p += 16
                }
                if p < whole {
                    let v = load8(x + p)
                    s0 = s0.addingProduct(v, load8(b0 + p)); s1 = s1.addingProduct(v, load8(b1 + p))
                    s2 = s2.addingProduct(v, load8(b2 + p)); s3 = s3.addingProduct(v, load8(b3 + p))
                    p += 8
                }
                var d0 = (s0 + t0).sum(), d1 = (s1 + t1).sum(), d2 = (s2 + t2).sum(), d3 = (s3 + t3).sum()
                while p < k {
                    let v = x[p]
                    d0 += v * b0[p]; d1 += v * b1[p]; d2 += v * b2[p]; d3 += v * b3[p]
                    p += 1
                }
                let out = c + i * ldc + j
                write(out, d0, alpha, beta); write(out + 1, d1, alpha, beta)
                write(out + 2, d2, alpha, beta); write(out + 3, d3, alpha, beta)
            }
            j += 4
        }
        while j < n {
            let bj = b + j * ldb
            for i in 0..<m {
                let x = a + i * lda
                var s = V8()
                var p = 0
                while p < whole {
                    s = s.addingProduct(load8(x + p), load8(bj + p))
                    p += 8
                }
                var d = s.sum()
                while p < k { d += x[p] * bj[p]; p += 1 }
                write(c + i * ldc + j, d, alpha, beta)
            }
            j += 1
        }
    }

    @inline(__always)
    static func write(_ out: UnsafeMutablePointer<Float>, _ dot: Float, _ alpha: Float, _ beta: Float) {
        out.pointee = beta == 0 ? alpha * dot : alpha * dot + beta * out.pointee
    }
}

typealias V8 = SIMD8<Float>

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> V8 {
    UnsafeRawPointer(p).loadUnaligned(as: V8.self)
}

// The only file that imports COpenBLAS. Every matrix product in the engine goes through
// `BLAS.gemm`: row-major data with transpose flags (never a materialised transpose) and
// explicit leading dimensions (so strided head slices work). On a CPU with AVX-512 the
// engine's own kernels (CPUKernels) run products of at least `packedMinimumRows` rows (packed
// GEMM) and smaller ones against a row-major weight matrix (row dot products, the decoding
// case); on one with AVX2 and FMA only the row dot products have their own kernel
// (CPUKernelsAVX2). The rest, and everything on other CPUs, runs on cblas_sgemm.

import COpenBLAS
import CPUKernels
import CPUKernelsAVX2
import Foundation

/// The engine's single-precision matrix product: its own kernels where the CPU runs them,
/// OpenBLAS otherwise.
public enum BLAS {
    /// Which implementation runs the matrix products.
    public enum Backend: String, Sendable {
        /// CPUKernels (AVX-512): `PackedGEMM.gemm` for products of at least `packedMinimumRows`
        /// rows, `PackedGEMM.rowDot` for fewer rows against a row-major weight (decoding),
        /// OpenBLAS for the remaining small products (few rows with a transposed A or an
        /// untransposed B).
        case packed
        /// CPUKernelsAVX2: `AVX2Kernels.rowDot` for fewer than `packedMinimumRows` rows against a
        /// row-major weight (decoding), OpenBLAS for the rest.
        case avx2
        /// OpenBLAS for every product.
        case openBLAS = "openblas"
    }

    /// The kernels the build and this CPU allow, best first; the environment variable
    /// `LATENT_GEMM` may ask for `openblas` (every product on OpenBLAS) or `avx2` (the AVX2
    /// kernels on an AVX-512 CPU), to compare them in one binary or to rule a kernel out when
    /// hunting a numerical difference. A request the CPU cannot run is ignored.
    public static let backend: Backend = choose(
        request: ProcessInfo.processInfo.environment["LATENT_GEMM"],
        avx512: PackedGEMM.target == .avx512 && CPUFeatures.avx512,
        avx2: AVX2Kernels.target == .avx2 && CPUFeatures.avx2)

    /// The backend for a `LATENT_GEMM` request and what the build and CPU can run.
    static func choose(request: String?, avx512: Bool, avx2: Bool) -> Backend {
        switch request?.lowercased() {
        case "openblas": return .openBLAS
        case "avx2" where avx2: return .avx2
        default: return avx512 ? .packed : avx2 ? .avx2 : .openBLAS
        }
    }

    /// What runs the products, for benchmark reports.
    public static var engineDescription: String {
        switch backend {
        case .packed: "latent (Swift, AVX-512 kernels + OpenBLAS)"
        case .avx2: "latent (Swift, AVX2 row kernel + OpenBLAS)"
        case .openBLAS: "latent (Swift, OpenBLAS)"
        }
    }

    /// Below this many rows of C, packing B costs more than the kernel saves (measured against
    /// OpenBLAS at K = 128, N = 384: even at 16 rows, 1.24× faster at 32, 1.9× from 1,024).
    public static let packedMinimumRows = 32

    /// C[M×N] = alpha · op(A) · op(B) + beta · C, row-major.
    ///
    /// `op(A)` is `A` (M×K, leading dimension `lda`) or, with `transposeA`, Aᵀ where `A` is
    /// stored K×M. Likewise `op(B)` is K×N or, with `transposeB`, stored N×K. `ldc` is the row
    /// stride of C. `beta = 1` accumulates into C, which is how backward passes add gradients.
    @inlinable
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        let profiled = Profiler.open(.matmul(m: m, transposeA: transposeA, transposeB: transposeB))
        defer { Profiler.close(profiled) }
        if k == 0 {
            // cblas does not scale C when K = 0 on every build; do it here.
            for i in 0..<m {
                for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
            }
            return
        }
        switch backend {
        case .packed:
            if m >= packedMinimumRows {
                PackedGEMM.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                                beta: beta, c: c, ldc: ldc, threads: threads)
                return
            }
            if transposeB && !transposeA {  // a few rows times a weight matrix: decoding
                PackedGEMM.rowDot(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                                  beta: beta, c: c, ldc: ldc)
                return
            }
        case .avx2:
            if m < packedMinimumRows && transposeB && !transposeA {
                AVX2Kernels.rowDot(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                                   beta: beta, c: c, ldc: ldc)
                return
            }
        case .openBLAS:
            break
        }
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc))
    }

    /// y += alpha · x (length n, unit strides).
    @inlinable
    public static func axpy(n: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }

    /// Threads one product may use: the OpenBLAS setting, which the packed kernel follows too.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Sets the OpenBLAS thread count (at least 1).
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

    /// The kernel family OpenBLAS chose for this CPU when it was loaded ("Haswell",
    /// "SkylakeX", … or "Prescott" for a CPU it does not know); see ``OpenBLASCore``.
    public static var openBLASCoreName: String {
        guard let name = openblas_get_corename() else { return "" }
        return String(cString: name)
    }
}

/// Engine-wide settings.
public enum Engine {
    /// Sets how many threads the engine uses: the OpenBLAS pool size, and whether elementwise
    /// kernels may split large work in two (they do when `n >= 2`).
    ///
    /// Call once at start-up (the CLI does). The default is 2, or `OPENBLAS_NUM_THREADS` when
    /// that environment variable is set; see ``defaultThreads``.
    public static func setThreads(_ n: Int) {
        BLAS.setThreads(n)
    }

    /// `OPENBLAS_NUM_THREADS` if set to a positive integer, else 2.
    public static var defaultThreads: Int {
        if let s = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"], let n = Int(s), n > 0 { return n }
        return 2
    }

    /// Keeps glibc malloc from returning every large activation buffer to the kernel with
    /// munmap (its default for blocks ≥ 128 KiB): each training step would otherwise pay page
    /// faults and page clearing for all its activations again. Evaluated once, on first use.
    @usableFromInline static let allocatorTuned: Bool = {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 256 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 512 << 20)
        // One arena for every thread: the data-parallel trainers allocate a step's activations
        // on worker threads, and glibc's per-thread arenas grow in 64 MiB heaps that are
        // unmapped when they empty, so every step paid page faults again. Allocations are few
        // and large, so the shared lock costs nothing measurable.
        _ = mallopt(M_ARENA_MAX, 1)
        #endif
        return true
    }()

    /// Threads the engine's own kernels may use (mirrors the OpenBLAS setting).
    public static var threads: Int { BLAS.threads }
}

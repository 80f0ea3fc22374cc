// CPUKernelsAVX2's unpacked GEMM against the Double-precision reference of PackedGEMMTests: the
// three layouts it runs (A·B, Aᵀ·B, A·Bᵀ), every row tail of the 4/2/1-row tiles, column
// counts that leave a partial 16-column strip or a partial group of four, depths of 1 and 2,
// an odd depth and one past `depthBlock`, alpha and beta (C unread when beta = 0), leading
// dimensions wider than the matrix, and the row split across threads. Run only where the CPU has
// AVX2 and FMA (or in a portable build, where the module is plain Swift).

import CPUKernelsAVX2
import Testing
@testable import TensorCore

let avx2KernelsRunHere = AVX2Kernels.target == .generic || CPUFeatures.avx2

@Suite("AVX2 GEMM kernels", .enabled(if: avx2KernelsRunHere))
struct AVX2GEMMTests {
    /// The largest difference from the reference, and whether C past column N was left alone.
    func compare(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0,
                 pad: Int = 0, threads: Int = 1, seed: UInt64) -> (difference: Float, paddingKept: Bool, result: [Float]) {
        let g = GemmCase(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, beta: beta,
                         pad: pad, seed: seed)
        // Relative to the depth: sums of k products of unit normals.
        return g.run(scale: Float(max(1, k)).squareRoot()) { a, b, c in
            AVX2Kernels.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                             a: a, lda: g.lda, b: b, ldb: g.ldb, beta: beta, c: c, ldc: g.ldc, threads: threads)
        }
    }

    static let layouts = [(false, false), (true, false), (false, true)]

    @Test(arguments: layouts)
    func everyRowTailColumnEdgeAndShortDepth(transposeA: Bool, transposeB: Bool) {
        for m in 1...9 {
            for n in [1, 3, 7, 16, 17, 35] {
                for k in [1, 2, 3, 9] {
                    let r = compare(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                    beta: (m + n) % 2 == 0 ? 0 : 1, seed: UInt64(1000 + m * 100 + n * 10 + k))
                    #expect(r.difference < 1e-5, "m \(m) n \(n) k \(k): off by \(r.difference)")
                }
            }
        }
    }

    @Test(arguments: layouts)
    func theModelsShapesAndADepthPastOneBlock(transposeA: Bool, transposeB: Bool) {
        for (m, n, k) in [(2, 128, 352), (2, 352, 128), (45, 70, 37), (80, 128, 128), (6, 115, AVX2Kernels.depthBlock + 37)] {
            let r = compare(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, seed: UInt64(m * 7 + n + k))
            #expect(r.difference < 1e-5, "m \(m) n \(n) k \(k): off by \(r.difference)")
        }
    }

    @Test(arguments: layouts)
    func alphaBetaAndPaddedStrides(transposeA: Bool, transposeB: Bool) {
        for (alpha, beta) in [(Float(1), Float(1)), (0.5, 0), (-2, 0.25), (1, -1)] {
            let r = compare(transposeA: transposeA, transposeB: transposeB, m: 11, n: 21, k: 19, alpha: alpha, beta: beta,
                            pad: 5, seed: 77)
            #expect(r.difference < 1e-5, "alpha \(alpha), beta \(beta): off by \(r.difference)")
            #expect(r.paddingKept, "the kernel wrote past column N of a padded C")
        }
    }

    @Test(arguments: layouts)
    func splittingRowsAcrossThreadsChangesNoBit(transposeA: Bool, transposeB: Bool) {
        // Large enough for the split (≥ 2 M multiply-adds per part); rows not a multiple of 4.
        let (m, n, k) = (203, 96, 160)
        let one = compare(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, seed: 90)
        let two = compare(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, threads: 2, seed: 90)
        #expect(one.difference < 1e-5)
        #expect(one.result == two.result)
    }
}

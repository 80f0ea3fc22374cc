// The engine's packed GEMM (CPUKernels) against a Double-precision reference: every transpose
// combination, alpha and beta, row counts that exercise the 8- and 1-row tiles, column
// counts that leave a partial panel, leading dimensions wider than the matrix, and the row
// split across threads; the row-dot kernels (AVX-512 and AVX2) on few rows. Plus the CPU-flag
// parsing and the choice of backend.

import CPUKernels
import CPUKernelsAVX2
import Testing
@testable import TensorCore

/// The kernels are compiled for AVX-512 on x86-64; on a CPU without it they must not run.
let packedKernelsRunHere = PackedGEMM.target == .generic || CPUFeatures.avx512

/// The row-dot kernels (C = A · Bᵀ for few rows), each run only where the CPU has its instructions.
enum RowDotKernel: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case avx512, avx2

    var testDescription: String { rawValue }

    static let runnable = allCases.filter {
        switch $0 {
        case .avx512: packedKernelsRunHere
        case .avx2: AVX2Kernels.target == .generic || CPUFeatures.avx2
        }
    }

    func callAsFunction(m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                        b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        switch self {
        case .avx512:
            PackedGEMM.rowDot(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        case .avx2:
            AVX2Kernels.rowDot(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }
}

/// C = alpha · op(A) · op(B) + beta · C in Double, the same contract as BLAS.gemm.
func referenceGemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                   a: [Float], lda: Int, b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int) -> [Float] {
    var out = c
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                s += Double(x) * Double(y)
            }
            let keep = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
            out[i * ldc + j] = Float(Double(alpha) * s + keep)
        }
    }
    return out
}

/// Random operands of one product (NaN in C where beta = 0: C must not be read) and the expected
/// result, with leading dimensions `pad` wider than the matrices.
struct GemmCase {
    let lda, ldb, ldc: Int
    let a, b, c, expected: [Float]

    init(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, beta: Float, pad: Int, seed: UInt64) {
        (lda, ldb, ldc) = ((transposeA ? m : k) + pad, (transposeB ? k : n) + pad, n + pad)
        a = randn([(transposeA ? k : m) * lda], seed: seed).scalars
        b = randn([(transposeB ? n : k) * ldb], seed: seed + 1).scalars
        var c = randn([m * ldc], seed: seed + 2).scalars
        if beta == 0 { for i in 0..<m { for j in 0..<n { c[i * ldc + j] = .nan } } }
        self.c = c
        expected = referenceGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                 alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        (self.m, self.n, self.k) = (m, n, k)
    }
    let m, n, k: Int

    /// Runs `kernel(a, b, c)` on a copy of C; returns the result, its largest difference from
    /// the reference (divided by `scale`) and whether C past column N was left alone.
    func run(scale: Float = 1, _ kernel: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void)
        -> (difference: Float, paddingKept: Bool, result: [Float]) {
        var got = c
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                got.withUnsafeMutableBufferPointer { cp in kernel(ap.baseAddress!, bp.baseAddress!, cp.baseAddress!) }
            }
        }
        var worst: Float = 0, kept = true
        for i in 0..<m {
            for j in 0..<ldc {
                if j < n {
                    let d = abs(got[i * ldc + j] - expected[i * ldc + j]) / scale
                    worst = d.isNaN ? .infinity : max(worst, d)
                } else if got[i * ldc + j] != c[i * ldc + j] {
                    kept = false
                }
            }
        }
        return (worst, kept, got)
    }
}

@Suite("Packed GEMM kernel", .enabled(if: packedKernelsRunHere))
struct PackedGEMMTests {
    /// Runs the kernel and the reference on random operands; returns the largest difference
    /// and whether C outside the M×N block (the padding of a wider ldc) was left alone.
    func compare(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, beta: Float,
                 pad: Int = 0, threads: Int = 1, seed: UInt64) -> (difference: Float, paddingKept: Bool) {
        let g = GemmCase(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, beta: beta,
                         pad: pad, seed: seed)
        let r = g.run { a, b, c in
            PackedGEMM.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                            a: a, lda: g.lda, b: b, ldb: g.ldb, beta: beta, c: c, ldc: g.ldc, threads: threads)
        }
        return (r.difference, r.paddingKept)
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func everyTransposeCombination(transposeA: Bool, transposeB: Bool) {
        // 45 rows = 5 eight-row tiles + 5 single rows; 70 columns = two
        // full panels and a partial one of 6.
        let r = compare(transposeA: transposeA, transposeB: transposeB, m: 45, n: 70, k: 37,
                        alpha: 1, beta: 0, seed: 10)
        #expect(r.difference < 1e-4)
    }

    @Test func alphaAndBetaScaleAsBLASDoes() {
        for (alpha, beta) in [(Float(1), Float(1)), (0.5, 0), (-2, 0.25), (1, -1)] {
            let r = compare(transposeA: false, transposeB: true, m: 33, n: 40, k: 20,
                            alpha: alpha, beta: beta, seed: 20)
            #expect(r.difference < 1e-4, "alpha \(alpha), beta \(beta): off by \(r.difference)")
        }
    }

    @Test func everyRowTailAndTinyDepth() {
        for m in 1...17 {
            for k in [1, 2, 9] {
                let r = compare(transposeA: m % 2 == 0, transposeB: m % 3 == 0, m: m, n: 33, k: k,
                                alpha: 1, beta: m % 4 == 0 ? 1 : 0, seed: UInt64(100 + m * 10 + k))
                #expect(r.difference < 1e-5, "m \(m), k \(k): off by \(r.difference)")
            }
        }
    }

    @Test func widerLeadingDimensionsLeaveThePaddingAlone() {
        for (ta, tb) in [(false, false), (true, true)] {
            let r = compare(transposeA: ta, transposeB: tb, m: 20, n: 36, k: 24, alpha: 1, beta: 1,
                            pad: 5, seed: 30)
            #expect(r.difference < 1e-4)
            #expect(r.paddingKept, "the kernel wrote past column N of a padded C")
        }
    }

    @Test func splittingRowsAcrossThreadsChangesNoBit() {
        // Large enough for the split (≥ 2 M multiply-adds per thread), rows not a multiple of 8.
        let (m, n, k) = (203, 96, 160)
        let a = randn([m * k], seed: 40).scalars, b = randn([n * k], seed: 41).scalars
        func run(threads: Int) -> [Float] {
            var c = [Float](repeating: 0, count: m * n)
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        PackedGEMM.gemm(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1,
                                        a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: k,
                                        beta: 0, c: cp.baseAddress!, ldc: n, threads: threads)
                    }
                }
            }
            return c
        }
        let one = run(threads: 1), two = run(threads: 2), three = run(threads: 3)
        #expect(one == two)
        #expect(one == three)
        let r = compare(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1, beta: 0,
                        threads: 2, seed: 40)
        #expect(r.difference < 1e-3)
    }
}

@Suite("Row-dot kernels and BLAS.gemm")
struct RowDotTests {
    @Test(arguments: RowDotKernel.runnable)
    func rowDotForFewRowsAgainstARowMajorWeight(kernel: RowDotKernel) {
        // Column counts that leave 0–3 columns after the groups of four, depths that leave a
        // scalar tail after the 16-wide chunks (and an 8-wide chunk for AVX2), padded strides,
        // alpha and beta.
        for (m, n, k, pad) in [(1, 7, 128, 0), (3, 9, 37, 3), (5, 12, 16, 0), (2, 1, 5, 2), (31, 6, 20, 1), (4, 5, 24, 1)] {
            for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (2, -0.5)] {
                let (lda, ldb, ldc) = (k + pad, k + pad, n + pad)
                let a = randn([m * lda], seed: UInt64(60 + m)).scalars
                let b = randn([n * ldb], seed: UInt64(70 + n)).scalars
                var c = randn([m * ldc], seed: UInt64(80 + k)).scalars
                if beta == 0 { for i in 0..<m { for j in 0..<n { c[i * ldc + j] = .nan } } }
                let expected = referenceGemm(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: alpha,
                                             a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                var got = c
                a.withUnsafeBufferPointer { ap in
                    b.withUnsafeBufferPointer { bp in
                        got.withUnsafeMutableBufferPointer { cp in
                            kernel(m: m, n: n, k: k, alpha: alpha, a: ap.baseAddress!, lda: lda,
                                   b: bp.baseAddress!, ldb: ldb, beta: beta, c: cp.baseAddress!, ldc: ldc)
                        }
                    }
                }
                for i in 0..<m {
                    for j in 0..<ldc {
                        let (x, y) = (got[i * ldc + j], expected[i * ldc + j])
                        if j < n {
                            #expect(abs(x - y) < 1e-4, "m \(m) n \(n) k \(k) alpha \(alpha) beta \(beta): [\(i), \(j)] \(x) vs \(y)")
                        } else {
                            #expect(x == c[i * ldc + j], "rowDot wrote past column N")
                        }
                    }
                }
            }
        }
    }

    @Test func blasGemmAgreesWithOpenBLASWhicheverBackendRuns() {
        // BLAS.gemm at a size that takes the packed GEMM when the backend is `packed`.
        let (m, n, k) = (64, 48, 32)
        let a = randn([m * k], seed: 51).scalars, b = randn([n * k], seed: 52).scalars
        var c = [Float](repeating: .nan, count: m * n)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(transposeB: true, m: m, n: n, k: k, a: ap.baseAddress!, lda: k,
                              b: bp.baseAddress!, ldb: k, c: cp.baseAddress!, ldc: n)
                }
            }
        }
        let expected = referenceGemm(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1,
                                     a: a, lda: k, b: b, ldb: k, beta: 0, c: c, ldc: n)
        #expect(zip(c, expected).allSatisfy { abs($0 - $1) < 1e-4 })
        // And a single row (the decoding case: a row-dot kernel unless the backend is OpenBLAS).
        var row = [Float](repeating: .nan, count: n)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                row.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(transposeB: true, m: 1, n: n, k: k, a: ap.baseAddress!, lda: k,
                              b: bp.baseAddress!, ldb: k, c: cp.baseAddress!, ldc: n)
                }
            }
        }
        #expect(zip(row, expected.prefix(n)).allSatisfy { abs($0 - $1) < 1e-4 })
    }
}

@Suite("CPU features")
struct CPUFeaturesTests {
    @Test func readsTheFlagsLine() {
        let info = """
        processor\t: 0
        model name\t: Intel(R) Xeon(R) CPU @ 2.50GHz
        flags\t\t: fpu sse2 avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl
        bugs\t\t: spectre_v1
        """
        #expect(CPUFeatures.hasAll(CPUFeatures.avx512Flags, inCPUInfo: info))
        let noVL = info.replacingOccurrences(of: " avx512vl", with: "")
        #expect(!CPUFeatures.hasAll(CPUFeatures.avx512Flags, inCPUInfo: noVL))
        // A flag must match whole: avx512fp16 is not avx512f.
        #expect(!CPUFeatures.hasAll(["avx512f"], inCPUInfo: "flags\t: avx512fp16 sse2"))
        #expect(!CPUFeatures.hasAll(["sse2"], inCPUInfo: "processor\t: 0\n"))
    }

    @Test func theBackendNeedsTheCPU() {
        if PackedGEMM.target == .avx512 && !CPUFeatures.avx512 {
            #expect(BLAS.backend != .packed)
        }
        if AVX2Kernels.target == .avx2 && !CPUFeatures.avx2 {
            #expect(BLAS.backend != .avx2)
        }
        #expect(CPUFeatures.hasAll(CPUFeatures.avx2Flags, inCPUInfo: "flags\t: sse2 avx avx2 fma"))
        #expect(!CPUFeatures.hasAll(CPUFeatures.avx2Flags, inCPUInfo: "flags\t: sse2 avx avx2"))
    }

    @Test func theBestKernelsWinUnlessTheEnvironmentAsks() {
        #expect(BLAS.choose(request: nil, avx512: true, avx2: true) == .packed)
        #expect(BLAS.choose(request: nil, avx512: false, avx2: true) == .avx2)
        #expect(BLAS.choose(request: nil, avx512: false, avx2: false) == .openBLAS)
        #expect(BLAS.choose(request: "OpenBLAS", avx512: true, avx2: true) == .openBLAS)
        #expect(BLAS.choose(request: "avx2", avx512: true, avx2: true) == .avx2)
        // A request the CPU cannot run, or an unknown one, falls back to the best it can.
        #expect(BLAS.choose(request: "avx2", avx512: false, avx2: false) == .openBLAS)
        #expect(BLAS.choose(request: "cuda", avx512: false, avx2: true) == .avx2)
    }
}

@Suite("OpenBLAS core choice")
struct OpenBLASCoreTests {
    @Test func aPreAVXNameOnAModernCPUIsMended() {
        #expect(OpenBLASCore.override(detected: "Prescott", avx512: true, avx2: true) == "SkylakeX")
        #expect(OpenBLASCore.override(detected: "Prescott", avx512: false, avx2: true) == "Haswell")
        #expect(OpenBLASCore.override(detected: "NEHALEM", avx512: false, avx2: true) == "Haswell")
        // A CPU without AVX2 keeps whatever OpenBLAS chose; so does a recognised modern family.
        #expect(OpenBLASCore.override(detected: "Prescott", avx512: false, avx2: false) == nil)
        #expect(OpenBLASCore.override(detected: "Haswell", avx512: true, avx2: true) == nil)
        #expect(OpenBLASCore.override(detected: "Zen", avx512: false, avx2: true) == nil)
        #expect(OpenBLASCore.override(detected: "SkylakeX", avx512: true, avx2: true) == nil)
    }

    @Test func theUsersChoiceStands() {
        #expect(OpenBLASCore.overrideForThisProcess(environment: ["OPENBLAS_CORETYPE": "Haswell"]) == nil)
        #expect(OpenBLASCore.overrideForThisProcess(environment: ["LATENT_BLAS_CORE": "keep"]) == nil)
        // Without either, the decision is the pure one for this machine.
        #expect(OpenBLASCore.overrideForThisProcess(environment: [:])
                == OpenBLASCore.override(detected: BLAS.openBLASCoreName, avx512: CPUFeatures.avx512, avx2: CPUFeatures.avx2))
        #expect(!BLAS.openBLASCoreName.isEmpty)
    }
}

// Products with few rows against a weight matrix stored row by row (C = A · Bᵀ, B is N×K):
// decoding one position, a latent step, a small batch. Each output is the dot product of a row
// of A with a row of B, both contiguous, so nothing is packed; the B row is read once for all
// rows of A (at most a few, it stays in L1). OpenBLAS 0.3.21 runs such a product through its
// full GEMM path, packing B on every call, which made a decode step cost a few microseconds per
// linear layer.

extension PackedGEMM {
    /// C[M×N] = alpha · A · Bᵀ + beta · C with A M×K (row stride `lda`) and B N×K (row stride
    /// `ldb`), row-major; with `beta = 0` C is only written. Meant for small M (it reads each
    /// row of B once per call and each row of A once per column).
    public static func rowDot(
        m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 1, "PackedGEMM.rowDot: bad sizes m \(m), n \(n), k \(k)")
        let whole = k / 16 * 16
        var j = 0
        // Four columns at a time: four independent accumulators hide the FMA latency.
        while j + 4 <= n {
            let b0 = b + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb
            for i in 0..<m {
                let x = a + i * lda
                var s0 = V16(), s1 = V16(), s2 = V16(), s3 = V16()
                var p = 0
                while p < whole {
                    let v = load16(x + p)
                    s0 = s0.addingProduct(v, load16(b0 + p))
                    s1 = s1.addingProduct(v, load16(b1 + p))
                    s2 = s2.addingProduct(v, load16(b2 + p))
                    s3 = s3.addingProduct(v, load16(b3 + p))
                    p += 16
                }
                var d0 = s0.sum(), d1 = s1.sum(), d2 = s2.sum(), d3 = s3.sum()
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
                var s = V16()
                var p = 0
                while p < whole {
                    s = s.addingProduct(load16(x + p), load16(bj + p))
                    p += 16
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

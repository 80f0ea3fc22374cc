// The fused attention kernel against the same computation written with primitive ops
// (transpose, batched matmul, additive −∞ mask, softmax), at a size where the kernel spreads
// head pairs over threads: outputs and all three input gradients must agree.

import Testing
@testable import TensorCore

@Suite("Fused attention vs primitive ops")
struct AttentionReferenceTests {
    @Test func fusedMatchesComposition() {
        let (B, T, H, D) = (2, 32, 4, 16)
        let q = Tensor.parameter(randn([B, T, H, D], seed: 90))
        let k = Tensor.parameter(randn([B, T, H, D], seed: 91))
        let v = Tensor.parameter(randn([B, T, H, D], seed: 92))
        let seed = randn([B, T, H, D], seed: 93)

        let fused = causalAttention(query: q, key: k, value: v)
        fused.backward(gradient: seed)
        let fusedGrads = [q, k, v].map { $0.grad!.scalars }
        for t in [q, k, v] { t.zeroGrad() }

        var maskValues = [Float](repeating: 0, count: T * T)
        for i in 0..<T { for j in (i + 1)..<max(i + 1, T) { maskValues[i * T + j] = -.infinity } }
        let mask = Tensor(maskValues, shape: [T, T])
        let (qh, kh, vh) = (transpose(q, 1, 2), transpose(k, 1, 2), transpose(v, 1, 2))   // [B, H, T, D]
        let scores = add(batchedMatmul(qh, kh, transposeB: true) * (1 / Float(D).squareRoot()), mask)
        let reference = transpose(batchedMatmul(softmax(scores), vh), 1, 2)
        reference.backward(gradient: seed)

        expectClose(fused.scalars, reference.scalars, tolerance: 1e-5)
        for (t, g) in zip([q, k, v], fusedGrads) { expectClose(g, t.grad!.scalars, tolerance: 1e-4) }
    }
}

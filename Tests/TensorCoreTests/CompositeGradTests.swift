// Gradient checks of composites: a two-layer MLP with a loss, and one Llama-style attention
// block (RMSNorm → q, k, v → rotary → causal attention → o → residual). Same tolerances as the
// single-op checks (ε 1e-2, |a − n| ≤ 1e-3 + 1e-2·max(|a|, |n|)).

import Testing
@testable import TensorCore

@Suite("Gradient checks: composites")
struct CompositeGradTests {
    @Test func twoLayerMLPWithCrossEntropy() {
        let x = randn([4, 5], seed: 60)
        let w1 = randn([6, 5], seed: 61, std: 0.5), b1 = randn([6], seed: 62, std: 0.1)
        let w2 = randn([3, 6], seed: 63, std: 0.5), b2 = randn([3], seed: 64, std: 0.1)
        expectGradients([x, w1, b1, w2, b2]) {
            let h = gelu(linear(x, weight: w1, bias: b1))
            return crossEntropy(logits: linear(h, weight: w2, bias: b2), targets: [0, 2, -100, 1])
        }
    }

    @Test func attentionBlock() {
        let (B, T, H, D) = (2, 3, 2, 4)
        let C = H * D
        let x = randn([B, T, C], seed: 65)
        let norm = randu([C], seed: 66, low: 0.5, high: 1.5)
        let (wq, wk, wv, wo) = (randn([C, C], seed: 67, std: 0.3), randn([C, C], seed: 68, std: 0.3),
                                randn([C, C], seed: 69, std: 0.3), randn([C, C], seed: 70, std: 0.3))
        let positions = [0, 1, 2, 0, 1, 2]
        expectGradients([x, norm, wq, wk, wv, wo]) {
            let h = rmsNorm(x, weight: norm)
            let q = rotaryEmbedding(linear(h, weight: wq).reshaped([B, T, H, D]), positions: positions)
            let k = rotaryEmbedding(linear(h, weight: wk).reshaped([B, T, H, D]), positions: positions)
            let v = linear(h, weight: wv).reshaped([B, T, H, D])
            let a = causalAttention(query: q, key: k, value: v).reshaped([B, T, C])
            return add(x, linear(a, weight: wo))
        }
    }

    @Test func mlpBlockWithSwiGLU() {
        let x = randn([2, 3, 4], seed: 71)
        let (wg, wu, wd) = (randn([6, 4], seed: 72, std: 0.5), randn([6, 4], seed: 73, std: 0.5), randn([4, 6], seed: 74, std: 0.5))
        expectGradients([x, wg, wu, wd]) {
            add(x, linear(swiglu(gate: linear(x, weight: wg), up: linear(x, weight: wu)), weight: wd))
        }
    }
}

@Suite("GradCheck itself")
struct GradCheckSelfTests {
    @Test func detectsAWrongBackward() {
        // y = x² with a backward that claims dy/dx = x (half the truth): the check must fail.
        let x = randn([4], seed: 80)
        let report = GradCheck.check([x]) {
            let out = Tensor(x.scalars.map { $0 * $0 }, shape: [4])
            if Autograd.needsGrad(x) {
                out.recordOp(inputs: [x]) { out in
                    let (g, gx) = (out.gradBuffer(), x.gradBuffer())
                    for i in 0..<4 { gx[i] += g[i] * x.data[i] }
                }
            }
            return out
        }
        #expect(!report.passed)
        #expect(report.failures > 0 && report.maxAbsoluteDifference > 0.1)
    }
}

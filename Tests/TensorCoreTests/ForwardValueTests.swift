// Forward values against hand-computed tiny cases (constants from exact formulas, computed
// independently in double precision).

import Foundation
import Testing
@testable import TensorCore

@Suite("Forward values")
struct ForwardValueTests {
    @Test func softmaxOfOneTwoThree() {
        let y = softmax(Tensor([1, 2, 3], shape: [1, 3]))
        expectClose(y.scalars, [0.09003057, 0.24472847, 0.66524096])
        let ly = logSoftmax(Tensor([1, 2, 3], shape: [1, 3]))
        expectClose(ly.scalars, [0.09003057, 0.24472847, 0.66524096].map { logf($0) })
    }

    @Test func softmaxMasksMinusInfinity() {
        let y = softmax(Tensor([0, -.infinity, 0, -.infinity, -.infinity, -.infinity], shape: [2, 3]))
        expectClose(y.scalars, [0.5, 0, 0.5, 0, 0, 0])
    }

    @Test func crossEntropyIgnoresIndex() {
        let logits = Tensor([1, 2, 3, 1, 1, 1, 0, 0, 5], shape: [3, 3])
        let loss = crossEntropy(logits: logits, targets: [2, -100, 0])
        // rows: −log softmax([1,2,3])[2] = 0.40760596, log(2 + e⁵) − 0 = 5.01338590
        #expect(abs(loss.item - 2.71049593) < 1e-5)
        let rows = crossEntropy(logits: logits, targets: [2, -100, 0], reduction: .none)
        expectClose(rows.scalars, [0.40760596, 0, 5.01338590])
        let none = crossEntropy(logits: logits, targets: [-100, -100, -100])
        #expect(none.item == 0)
    }

    @Test func rmsNormValues() {
        let y = rmsNorm(Tensor([1, 2, 3, 4], shape: [1, 4]), weight: Tensor([1, 1, 2, 0.5], shape: [4]), eps: 1e-5)
        expectClose(y.scalars, [0.36514813, 0.73029626, 2.19088877, 0.73029626])
    }

    @Test func layerNormValues() {
        // mean 2.5, biased variance 1.25
        let y = layerNorm(Tensor([1, 2, 3, 4], shape: [4]), weight: Tensor([1, 1, 1, 2], shape: [4]),
                          bias: Tensor([0, 0, 1, 0], shape: [4]), eps: 0)
        let r = 1 / Float(1.25).squareRoot()
        expectClose(y.scalars, [-1.5 * r, -0.5 * r, 0.5 * r + 1, 3 * r])
    }

    @Test func geluUsesExactErf() {
        let y = gelu(Tensor([-2, -1, 0, 0.5, 1, 3], shape: [6]))
        expectClose(y.scalars, [-0.04550026, -0.15865525, 0, 0.34573123, 0.84134475, 2.99595031])
        // The tanh approximation gives gelu(1) = 0.84119199; make sure we are not using it.
        #expect(abs(y.scalars[4] - 0.84119199) > 1e-4)
    }

    @Test func fastExpAccuracy() {
        // Relative error below 4e-7 against libm (double) from −87 to 88; limits exact.
        var worst: Double = 0
        var x: Float = -87
        while x < 88 {
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(fastExp(x)) - exact) / exact)
            x += 0.0137
        }
        #expect(worst < 4e-7, "worst relative error \(worst)")
        #expect(fastExp(-.infinity) == 0 && fastExp(-100) == 0 && fastExp(0) == 1)
        #expect(fastExp(100) == .infinity)
    }

    @Test func siluValues() {
        let y = silu(Tensor([-1, 0, 2], shape: [3]))
        expectClose(y.scalars, [-0.26894142, 0, 1.76159416])
    }

    @Test func rotaryRotateHalf() {
        // D = 4, θ = 10000: frequencies [1, 0.01]; position 1 rotates pairs (x0, x2) by 1 rad
        // and (x1, x3) by 0.01 rad.
        let x = Tensor([1, 2, 3, 4], shape: [1, 1, 1, 4])
        let y = rotaryEmbedding(x, positions: [1])
        expectClose(y.scalars, [-1.98411065, 1.95990067, 2.46237790, 4.01979967])
        // Position 0 is the identity.
        expectClose(rotaryEmbedding(x, positions: [0]).scalars, [1, 2, 3, 4])
    }

    @Test func rotaryMatchesHuggingFaceFormula() {
        // x·cat(cos, cos) + rotate_half(x)·cat(sin, sin), rotate_half(x) = cat(−x2, x1).
        let (D, p) = (8, 7)
        let x = randn([1, 1, 1, D], seed: 50)
        let y = rotaryEmbedding(x, positions: [p], theta: 500_000)
        var expected = [Float](repeating: 0, count: D)
        for j in 0..<D {
            let i = j % (D / 2)
            let angle = Double(p) / pow(500_000, Double(2 * i) / Double(D))
            let rot = j < D / 2 ? -x.scalars[j + D / 2] : x.scalars[j - D / 2]
            expected[j] = x.scalars[j] * Float(cos(angle)) + rot * Float(sin(angle))
        }
        expectClose(y.scalars, expected)
    }

    @Test func linearIsXTimesWeightTransposed() {
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let w = Tensor([1, 0, 0, 0, 1, 1], shape: [2, 3])   // [out, in]
        let y = linear(x, weight: w, bias: Tensor([10, 20], shape: [2]))
        expectClose(y.scalars, [11, 25, 14, 31])
        #expect(y.shape == [2, 2])
    }

    @Test func attentionMatchesNaiveReference() {
        let (B, T, H, D) = (2, 4, 2, 3)
        let q = randn([B, T, H, D], seed: 51), k = randn([B, T, H, D], seed: 52), v = randn([B, T, H, D], seed: 53)
        let padding = [true, true, true, true, false, false, true, true]
        let out = causalAttention(query: q, key: k, value: v, keyPadding: padding)
        func at(_ t: Tensor, _ b: Int, _ s: Int, _ h: Int, _ d: Int) -> Float { t.scalars[((b * T + s) * H + h) * D + d] }
        var expected = [Float](repeating: 0, count: B * T * H * D)
        for b in 0..<B { for h in 0..<H { for i in 0..<T {
            let keys = (0...i).filter { padding[b * T + $0] }
            var weights = keys.map { j in (0..<D).reduce(Float(0)) { $0 + at(q, b, i, h, $1) * at(k, b, j, h, $1) } / Float(D).squareRoot() }
            let m = weights.max() ?? 0
            weights = weights.map { expf($0 - m) }
            let z = weights.reduce(0, +)
            for d in 0..<D {
                expected[((b * T + i) * H + h) * D + d] = zip(keys, weights).reduce(Float(0)) { $0 + $1.1 / z * at(v, b, $1.0, h, d) }
            }
        } } }
        expectClose(out.scalars, expected, tolerance: 1e-5)
    }

    @Test func attentionWithCacheEqualsFullSequence() {
        // The last query attending over [cached keys + its own key] gives the same row as the
        // full causal pass: the KV-cache decode step is consistent with training.
        let (B, T, H, D) = (2, 5, 2, 4)
        let q = randn([B, T, H, D], seed: 54), k = randn([B, T, H, D], seed: 55), v = randn([B, T, H, D], seed: 56)
        let full = causalAttention(query: q, key: k, value: v)
        let step = causalAttention(query: slice(q, axis: 1, 4..<5), key: k, value: v)
        expectClose(step.scalars, slice(full, axis: 1, 4..<5).scalars, tolerance: 1e-6)
        let explicitOffset = causalAttention(query: slice(q, axis: 1, 2..<3), key: slice(k, axis: 1, 0..<3),
                                             value: slice(v, axis: 1, 0..<3), queryOffset: 2)
        expectClose(explicitOffset.scalars, slice(full, axis: 1, 2..<3).scalars, tolerance: 1e-6)
    }

    @Test func shapeOpsValues() {
        let x = Tensor([0, 1, 2, 3, 4, 5], shape: [2, 3])
        #expect(transpose(x, 0, 1).scalars == [0, 3, 1, 4, 2, 5])
        #expect(concat([x, x], axis: 1).scalars == [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5])
        #expect(slice(x, axis: 1, 1..<3).scalars == [1, 2, 4, 5])
        #expect(sum(x, axis: 0).scalars == [3, 5, 7])
        #expect(mean(x).item == 2.5)
        #expect(gatherRows(x, indices: [1, 1, 0]).scalars == [3, 4, 5, 3, 4, 5, 0, 1, 2])
        #expect(pick(x, indices: [2, 0]).scalars == [2, 3])
        #expect(add(x, Tensor([10, 20, 30], shape: [3])).scalars == [10, 21, 32, 13, 24, 35])
    }

    @Test func noGradModeRecordsNothing() {
        let w = Tensor.parameter(randn([3, 3], seed: 57))
        let y = Autograd.withoutGrad { linear(randn([2, 3], seed: 58), weight: w) }
        #expect(!y.requiresGrad)
        #expect(!y.hasGraph)
        let z = linear(randn([2, 3], seed: 58), weight: w)
        #expect(z.requiresGrad && z.hasGraph)
    }

    @Test func backwardReleasesGraphAndAccumulates() {
        let w = Tensor.parameter(Tensor([1, 2], shape: [2]))
        let h = mul(w, w)
        let loss = sum(h)
        loss.backward()
        #expect(w.grad?.scalars == [2, 4])
        #expect(!loss.hasGraph && !h.hasGraph)
        #expect(h.grad == nil)                    // intermediate gradients are dropped
        sum(mul(w, w)).backward()                 // a second pass accumulates
        #expect(w.grad?.scalars == [4, 8])
        w.zeroGrad()
        #expect(w.grad?.scalars == [0, 0])
    }
}

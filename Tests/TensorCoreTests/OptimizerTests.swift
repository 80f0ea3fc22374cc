// AdamW against a hand-computed step, gradient clipping, the cosine schedule, and seeded
// randomness.

import Foundation
import Support
import Testing
@testable import TensorCore

@Suite("Optimizer, schedule, clipping, randomness")
struct OptimizerTests {
    /// Sets a parameter's gradient directly.
    func setGrad(_ p: Tensor, _ values: [Float]) {
        let g = p.gradBuffer()
        for (i, v) in values.enumerated() { g[i] = v }
    }

    @Test func adamWOneStepByHand() {
        let w = Tensor.parameter(Tensor([1, -2], shape: [2]))
        let b = Tensor.parameter(Tensor([0.5], shape: [1]))
        setGrad(w, [0.5, 0.1])
        setGrad(b, [-0.2])
        let opt = AdamW(groups: [ParameterGroup(parameters: [w], weightDecay: 0.1),
                                 ParameterGroup(parameters: [b], weightDecay: 0)])
        opt.step(learningRate: 0.1)
        // Step 1: m̂ = g, v̂ = g², so the Adam direction is g/(|g| + ε) ≈ sign(g).
        // w ← w·(1 − 0.1·0.1) − 0.1·sign(g) = [0.99 − 0.1, −1.98 − 0.1]; b has no decay.
        expectClose(w.scalars, [0.89, -2.08], tolerance: 1e-6)
        expectClose(b.scalars, [0.6], tolerance: 1e-6)
        // Step 2 with g = [0.5, 0.1] again: m̂ = g, v̂ = g² again (bias correction), same move.
        opt.step(learningRate: 0.1)
        expectClose(w.scalars, [0.89 * 0.99 - 0.1, -2.08 * 0.99 - 0.1], tolerance: 1e-6)
        #expect(opt.stepCount == 2)
    }

    @Test func adamWSecondStepWithDifferentGradient() {
        // g1 = 1, g2 = −1, β1 = 0.9, β2 = 0.999, lr 1, no decay:
        // m2 = 0.9·0.1 − 0.1 = −0.01, m̂ = −0.01/0.19; v2 = 0.999·0.001 + 0.001 = 0.001999, v̂ = 0.001999/0.001999 = 1
        let p = Tensor.parameter(Tensor([0], shape: [1]))
        let opt = AdamW(parameters: [p], weightDecay: 0)
        setGrad(p, [1])
        opt.step(learningRate: 1)
        setGrad(p, [-1])
        opt.step(learningRate: 1)
        let expected = -1 + 0.01 / 0.19 / (1 + 1e-8)
        #expect(abs(Double(p.item) - expected) < 1e-5)
    }

    @Test func adamWSkipsParametersWithoutGradient() {
        let p = Tensor.parameter(Tensor([3], shape: [1]))
        let opt = AdamW(parameters: [p], weightDecay: 0.5)
        opt.step(learningRate: 0.1)
        #expect(p.item == 3)
    }

    @Test func adamWStateRoundTrip() throws {
        let p = Tensor.parameter(Tensor([1, 2], shape: [2]))
        let opt = AdamW(parameters: [p])
        setGrad(p, [0.3, -0.4])
        opt.step(learningRate: 0.01)
        let (state, step) = opt.stateTensors()
        let copy = AdamW(parameters: [Tensor.parameter(Tensor([1, 2], shape: [2]))])
        try copy.loadState(state, step: step)
        #expect(copy.stepCount == 1)
        #expect(copy.stateTensors().tensors["m.0"]?.scalars == state["m.0"]?.scalars)
        #expect(throws: SafeTensorsError.missingTensor("v.0")) { try copy.loadState(["m.0": state["m.0"]!], step: 1) }
    }

    @Test func clipping() {
        let a = Tensor.parameter(Tensor([0, 0], shape: [2])), b = Tensor.parameter(Tensor([0], shape: [1]))
        setGrad(a, [3, 0])
        setGrad(b, [4])
        #expect(abs(gradientNorm([a, b]) - 5) < 1e-6)
        let before = clipGradientNorm([a, b], maxNorm: 1)
        #expect(abs(before - 5) < 1e-6)
        expectClose(a.grad!.scalars + b.grad!.scalars, [0.6, 0, 0.8], tolerance: 1e-6)
        clipGradientNorm([a, b], maxNorm: 10)   // below the limit: unchanged
        expectClose(a.grad!.scalars + b.grad!.scalars, [0.6, 0, 0.8], tolerance: 1e-6)
    }

    @Test func cosineSchedulePoints() {
        let s = CosineSchedule(peak: 1, warmupSteps: 10, totalSteps: 110)
        let steps = [s(0), s(4), s(9), s(10), s(35), s(60), s(110), s(500)]
        let expected = [0.1, 0.5, 1, 1, 0.5 * (1 + cos(Double.pi / 4)), 0.5, 0, 0]
        for (a, b) in zip(steps, expected) { #expect(abs(a - b) < 1e-12, "\(steps) ≠ \(expected)") }
        let floored = CosineSchedule(peak: 2, warmupSteps: 0, totalSteps: 100, floor: 0.2)
        #expect(abs(floored(0) - 2) < 1e-12 && abs(floored(50) - 1.1) < 1e-12 && abs(floored(100) - 0.2) < 1e-12)
        // Under a time budget the caller's progress places the cosine, clamped to [0, 1].
        #expect(abs(floored(3, progress: 0.5) - 1.1) < 1e-12 && abs(floored(3, progress: 2) - 0.2) < 1e-12)
        #expect(s(5, progress: 0.9) == s(5), "warm-up counts steps, never time")
    }

    @Test func splitMixReferenceAndDeterminism() {
        #expect(randn([16], seed: 7).scalars == randn([16], seed: 7).scalars)
        #expect(randn([16], seed: 7).scalars != randn([16], seed: 8).scalars)
        var a = SplitMix64(seed: 3), b = SplitMix64(seed: 3)
        #expect(Tensor.xavierUniform([4, 6], rng: &a).scalars == Tensor.xavierUniform([4, 6], rng: &b).scalars)
    }

    @Test func initialisationStatistics() {
        var rng = SplitMix64(seed: 11)
        let n = Tensor.randomNormal([20_000], mean: 1, standardDeviation: 2, rng: &rng).scalars
        let m = n.reduce(0, +) / Float(n.count)
        let sd = (n.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(n.count)).squareRoot()
        #expect(abs(m - 1) < 0.05 && abs(sd - 2) < 0.05)
        let x = Tensor.xavierUniform([30, 70], rng: &rng).scalars
        let bound = (6 / Float(100)).squareRoot()
        #expect(x.allSatisfy { abs($0) <= bound } && x.contains { abs($0) > 0.9 * bound })
    }
}

// A finite-difference gradient check for every op (tolerances: see Support.swift; the few
// ops that override them say why).

import Testing
@testable import TensorCore

@Suite("Gradient checks: products, elementwise, shape ops")
struct GradCheckOpsTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmulAllTransposes(ta: Bool, tb: Bool) {
        let a = randn(ta ? [4, 3] : [3, 4], seed: 1)
        let b = randn(tb ? [5, 4] : [4, 5], seed: 2)
        expectGradients([a, b]) { matmul(a, b, transposeA: ta, transposeB: tb) }
    }

    @Test func matmulLeadingDimensions() {
        let a = randn([2, 3, 4], seed: 3), b = randn([4, 2], seed: 4)
        expectGradients([a, b]) { matmul(a, b) }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func batchedMatmulAllTransposes(ta: Bool, tb: Bool) {
        let a = randn(ta ? [2, 3, 4, 3] : [2, 3, 3, 4], seed: 5)
        let b = randn(tb ? [2, 3, 2, 4] : [2, 3, 4, 2], seed: 6)
        expectGradients([a, b]) { batchedMatmul(a, b, transposeA: ta, transposeB: tb) }
    }

    @Test func linearWithAndWithoutBias() {
        let x = randn([2, 3, 4], seed: 7), w = randn([5, 4], seed: 8), b = randn([5], seed: 9)
        expectGradients([x, w, b]) { linear(x, weight: w, bias: b) }
        expectGradients([x, w]) { linear(x, weight: w) }
    }

    @Test func addSubMulSameShape() {
        let a = randn([3, 4], seed: 10), b = randn([3, 4], seed: 11)
        expectGradients([a, b]) { add(a, b) }
        expectGradients([a, b]) { sub(a, b) }
        expectGradients([a, b]) { mul(a, b) }
    }

    @Test func broadcastRowVectorAndScalar() {
        let a = randn([2, 3, 4], seed: 12), row = randn([4], seed: 13), row2 = randn([1, 3, 4], seed: 14)
        let s = randn([], seed: 15)
        expectGradients([a, row]) { add(a, row) }
        expectGradients([a, row]) { add(row, a) }        // smaller operand first
        expectGradients([a, row2]) { sub(a, row2) }
        expectGradients([a, row]) { mul(row, a) }
        expectGradients([a, s]) { mul(a, s) }
        expectGradients([a, s]) { sub(a, s) }
    }

    @Test func scaleAndOperators() {
        let a = randn([3, 4], seed: 16)
        expectGradients([a]) { scale(a, by: -1.5, offset: 0.25) }
        expectGradients([a]) { -(a * 2 + 1) - 3 }
    }

    @Test func reshapePermuteTranspose() {
        let x = randn([2, 3, 4], seed: 17)
        expectGradients([x]) { mul(reshape(x, [6, -1]), randn([6, 4], seed: 99)) }
        expectGradients([x]) { permute(x, [2, 0, 1]) }
        let y = randn([2, 3, 2, 4], seed: 18)
        expectGradients([y]) { transpose(y, 1, 2) }
    }

    @Test func concatAndSlice() {
        let a = randn([2, 3, 4], seed: 19), b = randn([2, 1, 4], seed: 20)
        expectGradients([a, b]) { concat([a, b], axis: 1) }
        expectGradients([a, b]) { concat([b, a, b], axis: -2) }
        expectGradients([a]) { slice(a, axis: 1, 1..<3) }
        expectGradients([a]) { slice(a, axis: 2, 0..<1) }
    }

    @Test func reductions() {
        let x = randn([2, 3, 4], seed: 21)
        expectGradients([x]) { sum(x) }
        expectGradients([x]) { mean(x) }
        expectGradients([x]) { sum(x, axis: 1) }
        expectGradients([x]) { mean(x, axis: -1) }
        expectGradients([x]) { mean(x, axis: 0) }
    }

    @Test func gathers() {
        let table = randn([5, 3], seed: 22)
        expectGradients([table]) { gatherRows(table, indices: [4, 0, 4, 2]) }   // repeated row accumulates
        expectGradients([table]) { embedding(table, ids: [1, 3, 1, 0, 2, 2], shape: [2, 3]) }
        let x = randn([2, 2, 5], seed: 23)
        expectGradients([x]) { pick(x, indices: [0, 4, 2, 2]) }
    }

    @Test func detachStopsGradient() {
        let a = randn([3], seed: 24), b = randn([3], seed: 25)
        a.requiresGrad = true
        b.requiresGrad = true
        let y = sum(mul(a, detach(b)))
        y.backward()
        #expect(a.grad?.scalars == b.scalars)
        #expect(b.grad == nil)
    }
}

@Suite("Gradient checks: activations, norms, losses")
struct GradCheckNonlinearTests {
    @Test func activations() {
        let x = randn([3, 5], seed: 30)
        expectGradients([x]) { silu(x) }
        expectGradients([x]) { gelu(x) }
        expectGradients([x]) { square(x) }
        expectGradients([x], epsilon: 1e-3) { exp(x) }
        let away = randu([3, 5], seed: 31, low: 0.2, high: 2)   // relu away from its kink
        expectGradients([away]) { relu(away) + relu(-away) }
        expectGradients([away], epsilon: 1e-3) { log(away) }
    }

    @Test func swigluFused() {
        let g = randn([2, 3, 4], seed: 32), u = randn([2, 3, 4], seed: 33)
        expectGradients([g, u]) { swiglu(gate: g, up: u) }
    }

    @Test func norms() {
        let x = randn([2, 3, 6], seed: 34), w = randn([6], seed: 35), b = randn([6], seed: 36)
        expectGradients([x, w]) { rmsNorm(x, weight: w, eps: 1e-5) }
        expectGradients([x, w, b]) { layerNorm(x, weight: w, bias: b, eps: 1e-5) }
    }

    @Test func softmaxes() {
        let x = randn([3, 5], seed: 37)
        expectGradients([x]) { softmax(x) }
        expectGradients([x]) { logSoftmax(x) }
    }

    @Test func crossEntropyReductions() {
        let logits = randn([2, 3, 5], seed: 38)
        let targets = [1, -100, 4, 0, -100, 3]
        expectGradients([logits]) { crossEntropy(logits: logits, targets: targets) }
        expectGradients([logits]) { crossEntropy(logits: logits, targets: targets, reduction: .sum) }
        expectGradients([logits]) { crossEntropy(logits: logits, targets: targets, reduction: .none) }
    }

    @Test func smoothL1BothRegimes() {
        // Differences spread over (−3, 3) but kept away from the kinks at ±1 and 0.
        let target = randn([12], seed: 39)
        let diffs: [Float] = [-2.5, -1.7, -1.3, -0.7, -0.4, -0.2, 0.15, 0.3, 0.6, 1.2, 1.6, 2.8]
        let input = Tensor(zip(target.scalars, diffs).map { $0 + $1 }, shape: [12])
        expectGradients([input, target]) { smoothL1(input, target) }
        expectGradients([input, target]) { smoothL1(input, target, reduction: .none) }
        expectGradients([input, target]) { smoothL1(input, target, beta: 0.5, reduction: .sum) }
    }

    @Test(arguments: [HeadLayout.batchTimeHeads, .batchHeadsTime])
    func rotary(layout: HeadLayout) {
        let x = randn([2, 3, 3, 4], seed: 40)   // T = H = 3 so both layouts take 6 positions
        expectGradients([x]) { rotaryEmbedding(x, positions: [0, 1, 2, 5, 6, 7], layout: layout) }
    }

    @Test func attentionFullSequence() {
        let q = randn([2, 4, 2, 3], seed: 41), k = randn([2, 4, 2, 3], seed: 42), v = randn([2, 4, 2, 3], seed: 43)
        expectGradients([q, k, v]) { causalAttention(query: q, key: k, value: v) }
    }

    @Test func attentionWithCacheOffsetAndPadding() {
        // Two queries over five keys (three cached), the first batch row left-padded by one key.
        let q = randn([2, 2, 2, 3], seed: 44), k = randn([2, 5, 2, 3], seed: 45), v = randn([2, 5, 2, 3], seed: 46)
        let padding = [false, true, true, true, true, true, true, true, true, true]
        expectGradients([q, k, v]) { causalAttention(query: q, key: k, value: v, keyPadding: padding) }
    }
}

@Suite("Gradient checks: one tensor feeding several inputs")
struct GradCheckSharedInputTests {
    // Fresh gradient buffers are overwritten rather than zero-filled; these cases make sure
    // a second contribution to the same tensor still accumulates.
    @Test func sameTensorTwiceInOneOp() {
        let a = randn([3, 4], seed: 100)
        expectGradients([a]) { matmul(a, a, transposeB: true) }
        expectGradients([a]) { add(a, a) }
        expectGradients([a]) { mul(a, a) }
        let g = randn([2, 3], seed: 101)
        expectGradients([g]) { swiglu(gate: g, up: g) }
    }

    @Test func attentionWithKeyEqualToValue() {
        let q = randn([1, 3, 2, 4], seed: 102), kv = randn([1, 3, 2, 4], seed: 103)
        expectGradients([q, kv]) { causalAttention(query: q, key: kv, value: kv) }
        expectGradients([kv]) { causalAttention(query: kv, key: kv, value: kv) }
    }

    @Test func reshapeSharingGradientWithOtherUses() {
        let x = randn([2, 6], seed: 104), w = randn([4, 4], seed: 105)
        expectGradients([x, w]) {
            let r = reshape(x, [3, 4])
            return add(reshape(linear(r, weight: w), [2, 6]), rmsNorm(x, weight: Tensor(repeating: 1, shape: [6])))
        }
    }
}

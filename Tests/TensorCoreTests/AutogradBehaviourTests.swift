// The autograd contract beyond single gradients: a second backward pass ADDS to existing
// gradients for every op (fresh buffers are overwritten by the kernels, existing ones must be
// accumulated into, and only a second pass exercises that branch), and the graph's memory —
// intermediate tensors and what their backward closures captured — is released by backward.

import Testing
@testable import TensorCore

/// Holds a tensor without keeping it alive.
final class WeakTensor {
    weak var value: Tensor?
    init(_ value: Tensor) { self.value = value }
}

/// Runs backward of `f` twice with the same seed and expects every input's gradient to be
/// exactly twice the first one (within Float32 rounding).
func expectAccumulates(_ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation, _ f: () -> Tensor) {
    for x in inputs {
        x.requiresGrad = true
        x.zeroGrad(release: true)
    }
    let first = f()
    let seed = randn(first.shape, seed: 0xACC)
    first.backward(gradient: seed)
    let once = inputs.map { $0.grad?.scalars ?? [] }
    f().backward(gradient: seed)
    for (k, x) in inputs.enumerated() {
        let twice = x.grad?.scalars ?? []
        #expect(twice.count == x.count && once[k].count == x.count, "input \(k) has no gradient", sourceLocation: sourceLocation)
        var worst: Float = 0
        for (a, b) in zip(once[k], twice) { worst = max(worst, abs(b - 2 * a) / max(1, abs(2 * a))) }
        #expect(worst <= 1e-5, "input \(k): second pass did not add to the gradient (worst \(worst))",
                sourceLocation: sourceLocation)
    }
}

@Suite("Autograd: accumulation in every op, graph release")
struct AutogradBehaviourTests {
    @Test func productsAccumulate() {
        let a = randn([3, 4], seed: 1), b = randn([4, 5], seed: 2), bt = randn([5, 4], seed: 3)
        expectAccumulates([a, b]) { matmul(a, b) }
        expectAccumulates([a, bt]) { matmul(a, bt, transposeB: true) }
        let at = randn([4, 3], seed: 8)
        expectAccumulates([at, bt]) { matmul(at, bt, transposeA: true, transposeB: true) }
        let x = randn([2, 3, 4], seed: 4), y = randn([2, 4, 2], seed: 5)
        expectAccumulates([x, y]) { batchedMatmul(x, y) }
        let w = randn([5, 4], seed: 6), bias = randn([5], seed: 7)
        expectAccumulates([x, w, bias]) { linear(x, weight: w, bias: bias) }
    }

    @Test func elementwiseAndBroadcastingAccumulate() {
        let a = randn([2, 3, 4], seed: 10), b = randn([2, 3, 4], seed: 11), row = randn([4], seed: 12)
        let s = randn([], seed: 13)
        expectAccumulates([a, b]) { add(a, b) }
        expectAccumulates([a, b]) { sub(a, b) }
        expectAccumulates([a, b]) { mul(a, b) }
        expectAccumulates([a, row]) { add(a, row) }
        expectAccumulates([a, row]) { mul(row, a) }
        expectAccumulates([a, s]) { sub(a, s) }
        expectAccumulates([a]) { scale(a, by: 0.5, offset: 1) }
    }

    @Test func shapeOpsAndReductionsAccumulate() {
        let x = randn([2, 3, 4], seed: 20), y = randn([2, 1, 4], seed: 21)
        expectAccumulates([x]) { reshape(x, [6, 4]) }
        expectAccumulates([x]) { permute(x, [2, 0, 1]) }
        expectAccumulates([x]) { transpose(x, 0, 2) }
        expectAccumulates([x, y]) { concat([x, y], axis: 1) }
        expectAccumulates([x]) { slice(x, axis: 2, 1..<3) }
        expectAccumulates([x]) { sum(x) }
        expectAccumulates([x]) { mean(x) }
        expectAccumulates([x]) { sum(x, axis: 1) }
        expectAccumulates([x]) { mean(x, axis: -1) }
    }

    @Test func gathersAccumulate() {
        let table = randn([5, 3], seed: 30)
        expectAccumulates([table]) { gatherRows(table, indices: [4, 0, 4, 2]) }
        expectAccumulates([table]) { embedding(table, ids: [1, 3, 1, 0], shape: [2, 2]) }
        let x = randn([2, 5], seed: 31)
        expectAccumulates([x]) { pick(x, indices: [0, 4]) }
    }

    @Test func nonlinearOpsAccumulate() {
        let x = randn([3, 6], seed: 40), pos = randu([3, 6], seed: 41, low: 0.5, high: 2)
        let w = randn([6], seed: 42), b = randn([6], seed: 43), g = randn([3, 6], seed: 44)
        expectAccumulates([x]) { silu(x) }
        expectAccumulates([x]) { gelu(x) }
        expectAccumulates([pos]) { relu(pos) }
        expectAccumulates([x]) { exp(x) }
        expectAccumulates([pos]) { log(pos) }
        expectAccumulates([x]) { square(x) }
        expectAccumulates([g, x]) { swiglu(gate: g, up: x) }
        expectAccumulates([x, w]) { rmsNorm(x, weight: w) }
        expectAccumulates([x, w, b]) { layerNorm(x, weight: w, bias: b) }
        expectAccumulates([x]) { softmax(x) }
        expectAccumulates([x]) { logSoftmax(x) }
    }

    @Test func lossesAccumulate() {
        let logits = randn([4, 5], seed: 50), input = randn([6], seed: 51), target = randn([6], seed: 52)
        expectAccumulates([logits]) { crossEntropy(logits: logits, targets: [1, -100, 4, 0]) }
        expectAccumulates([input, target]) { smoothL1(input, target) }
    }

    @Test func rotaryAndAttentionAccumulate() {
        let x = randn([2, 3, 2, 4], seed: 60)
        expectAccumulates([x]) { rotaryEmbedding(x, positions: [0, 1, 2, 3, 4, 5]) }
        let q = randn([2, 2, 2, 4], seed: 61), k = randn([2, 5, 2, 4], seed: 62), v = randn([2, 5, 2, 4], seed: 63)
        expectAccumulates([q, k, v]) { causalAttention(query: q, key: k, value: v) }
    }

    @Test func backwardReleasesIntermediatesAndWhatTheyCaptured() {
        let w = Tensor.parameter(randn([4, 4], seed: 70))
        let x = randn([3, 4], seed: 71)
        var watched: [WeakTensor] = []
        let loss: Tensor = {
            // Intermediates referenced only by the graph (parents and backward closures).
            let h = linear(x, weight: w)
            let n = rmsNorm(h, weight: Tensor(repeating: 1, shape: [4]))
            let q = reshape(n, [3, 1, 1, 4])
            let a = causalAttention(query: q, key: q, value: q)
            watched = [h, n, q, a].map(WeakTensor.init)
            return crossEntropy(logits: reshape(a, [3, 4]), targets: [0, 3, 1])
        }()
        #expect(watched.allSatisfy { $0.value != nil }, "the graph should keep its intermediates until backward")
        loss.backward()
        #expect(w.grad != nil)
        #expect(!loss.hasGraph)
        #expect(watched.allSatisfy { $0.value == nil }, "intermediates still alive after backward")
    }

    @Test func detachGraphReleasesWithoutBackward() {
        let w = Tensor.parameter(randn([4, 4], seed: 72))
        var watched: WeakTensor?
        let out: Tensor = {
            let h = matmul(w, w)
            watched = WeakTensor(h)
            return sum(silu(h))
        }()
        #expect(watched?.value != nil)
        out.detachGraph()
        #expect(watched?.value == nil)
        #expect(w.grad == nil)
    }

    @Test func noGradForwardKeepsNothingAlive() {
        let w = Tensor.parameter(randn([4, 4], seed: 73))
        var watched: WeakTensor?
        let out: Tensor = Autograd.withoutGrad {
            let h = matmul(w, w)
            watched = WeakTensor(h)
            return softmax(h)
        }
        #expect(!out.requiresGrad && !out.hasGraph)
        #expect(watched?.value == nil, "a no-grad output must not reference its inputs")
        // Recording resumes outside the block.
        #expect(softmax(matmul(w, w)).hasGraph)
    }
}

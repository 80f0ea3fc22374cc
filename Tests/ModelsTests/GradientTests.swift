import Support
import Testing
@testable import Models
import TensorCore

/// Finite-difference checks of the fused ops and of the whole model's loss. Float32 central
/// differences are noisy, so tolerances are loose but still catch wrong formulas.
@Suite struct GradientTests {
    func random(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor.randomNormal(shape, standardDeviation: scale, rng: &rng)
    }

    func expectPasses(_ report: GradCheckReport, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.passed, "\(report)", sourceLocation: sourceLocation)
        #expect(report.checked > 0, sourceLocation: sourceLocation)
    }

    @Test func linearAndNorm() {
        let x = random([3, 5], seed: 1), w = random([4, 5], seed: 2), g = random([5], seed: 3)
        expectPasses(GradCheck.check([x, w]) { ModelOps.linear(x, weight: w) })
        expectPasses(GradCheck.check([x, g]) { ModelOps.rmsNorm(x, weight: g, epsilon: 1e-5) })
    }

    @Test func swiGLUAndResidual() {
        let a = random([4, 6], seed: 4), b = random([4, 6], seed: 5)
        expectPasses(GradCheck.check([a, b]) { ModelOps.swiGLU(gate: a, up: b) })
        expectPasses(GradCheck.check([a, b]) { ModelOps.add(a, b) })
    }

    @Test func rotary() {
        let table = RotaryTable(headDimension: 4, maximumLength: 16, theta: 10_000)
        let x = random([2, 3, 8], seed: 6)
        expectPasses(GradCheck.check([x]) { ModelOps.rotary(x, positions: [0, 5, 9, 3, 1, 2], table: table) })
    }

    @Test func attentionWithPaddingAndCache() {
        let q = random([2, 3, 8], seed: 7), k = random([2, 5, 8], seed: 8), v = random([2, 5, 8], seed: 9)
        expectPasses(GradCheck.check([q, k, v]) {
            ModelOps.causalAttention(query: q, key: k, value: v, heads: 2, starts: [0, 3])
        })
    }

    @Test func crossEntropyWithIgnoredTargets() {
        let logits = random([4, 7], seed: 10)
        expectPasses(GradCheck.check([logits]) {
            ModelOps.crossEntropy(logits: logits, targets: [3, ModelOps.ignoredTarget, 0, 6])
        })
    }

    @Test func wholeModelLoss() throws {
        let model = try Fixtures.tinyModel(seed: 2)
        let batch = TokenBatch(rows: [[1, 4, 9, 3, 7], [1, 6, 2]], padID: 0)
        let targets = [4, 9, 3, 7, -100, 6, 2, -100, -100, -100]
        let b = model.blocks[1]
        let checked = [b.query, b.gate, b.inputNorm, model.finalNorm]
        let report = GradCheck.check(checked) {
            let out = try! model.forward(batch)
            return ModelOps.crossEntropy(logits: out.logits, targets: targets)
        }
        expectPasses(report)
        // The embedding (used twice: input and tied head) on its own, by a smaller probe.
        let embeddingReport = GradCheck.check([model.embedding]) {
            ModelOps.crossEntropy(logits: try! model.forward(batch).logits, targets: targets)
        }
        expectPasses(embeddingReport)
    }

    @Test func gradientsFlowThroughADifferentiableCache() throws {
        let model = try Fixtures.tinyModel(seed: 4)
        let w = model.blocks[0].key
        let report = GradCheck.check([w]) {
            let cache = KeyValueCache(for: model, batchSize: 1)
            _ = try! model.forward(TokenBatch(rows: [[1, 4, 9]], padID: 0), cache: cache)
            return try! model.forward(TokenBatch(rows: [[5]], padID: 0), cache: cache).logits
        }
        expectPasses(report)
    }
}

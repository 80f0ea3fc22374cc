import Datasets
import Foundation
@testable import Models
import Support
import TensorCore
import Testing

/// The step lens: greedy text written from a latent vector alone, checked against a
/// recomputation without the cache, and the trace's `nextInput` it reads.
@Suite struct StepLensTests {
    /// Greedy read-out by full forwards over [vector, tokens so far], special tokens masked.
    func reference(_ model: LatentModel, _ vector: [Float], budget: Int) throws -> [Int] {
        let base = model.base, d = base.configuration.dimension, v = base.configuration.vocabularySize
        let t = model.tokens
        let excluded = Set([t.continue, t.stop, t.end, t.start, t.pad])
        var written: [Int] = []
        try Autograd.withoutGrad {
            while written.count < budget {
                let inputs = vector + (written.isEmpty ? [] : base.embed(written, shape: [written.count]).scalars)
                let n = inputs.count / d
                let logits = try base.forward(embeddings: Tensor(inputs, shape: [1, n, d]), starts: [0]).logits.scalars
                let row = Array(logits[((n - 1) * v)..<(n * v)])
                let token = (0..<v).filter { !excluded.contains($0) }.max { row[$0] < row[$1] }!
                if token == t.eos { break }
                written.append(token)
            }
        }
        return written
    }

    @Test func writesWhatAGreedyRecomputationWrites() throws {
        let (model, _) = try LatentModelTests.latentModel(seed: 4, scale: 6)
        var rng = SplitMix64(seed: 11)
        for _ in 0..<4 {
            let vector = Tensor.randomNormal([8], rng: &rng).scalars
            let lens = try model.writtenTokens(from: vector, maximumTokens: 6)
            #expect(lens == (try reference(model, vector, budget: 6)))
            #expect(!lens.contains(model.tokens.continue) && !lens.contains(model.tokens.end))
        }
    }

    @Test func stopsWhenAskedAndRefusesBadInput() throws {
        let (model, _) = try LatentModelTests.latentModel(seed: 4, scale: 6)
        let vector = [Float](repeating: 0.5, count: 8)
        let full = try model.writtenTokens(from: vector, maximumTokens: 6)
        if full.count > 1 {
            #expect(try model.writtenTokens(from: vector, maximumTokens: 6, until: { $0.count == 1 }) == [full[0]])
        }
        #expect(throws: ModelError.self) { try model.writtenTokens(from: [1, 2, 3]) }
        #expect(throws: ModelError.self) { try model.writtenTokens(from: vector, maximumTokens: 0) }
    }

    @Test func theTraceCarriesTheVectorHandedOn() throws {
        let (model, tokenizer) = try LatentModelTests.latentModel(seed: 2, scale: 3)
        let prompt = [tokenizer.bosID, tokenizer.id(of: "a")!, tokenizer.startID]
        let g = try model.generate(prompts: [prompt], policy: .forced(2), trace: true)[0]
        #expect(g.trace.count == 3)
        // Entry k's nextInput is F(h_k); entry k+1 reports the norm of what was fed, the same vector.
        for k in 0..<2 {
            let fed = g.trace[k].nextInput
            #expect(fed.count == 8)
            #expect(abs(Double(fed.map { $0 * $0 }.reduce(0, +).squareRoot()) - g.trace[k + 1].inputNorm) < 1e-4)
        }
    }
}

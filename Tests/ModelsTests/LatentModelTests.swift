import Datasets
import Foundation
import ModelFiles
@testable import Models
import Support
import TensorCore
import Testing

/// The latent recurrence: gradients through latent steps, chunked = one-pass forward, masking,
/// adaptive/forced inference and checkpoints.
@Suite struct LatentModelTests {
    /// Specials, digits, space and two words: 22 tokens.
    static func tokenizer() throws -> Tokenizer {
        try Tokenizer(vocabulary: Tokenizer.specialTokens + (0...9).map(String.init) + [" ", "a", "b", "c"])
    }

    static func latentModel(seed: UInt64 = 1, scale: Float = 1, maximumLength: Int = 48) throws -> (LatentModel, Tokenizer) {
        let tokenizer = try tokenizer()
        let config = LlamaConfiguration(vocabularySize: tokenizer.count, dimension: 8, layers: 2, heads: 2, mlpHiddenSize: 16,
                                        maximumLength: maximumLength, bosTokenID: tokenizer.bosID, eosTokenID: tokenizer.eosID,
                                        padTokenID: tokenizer.padID)
        let base = try LlamaModel(configuration: config, seed: seed)
        for p in base.parameters() where p.rank == 2 { for i in 0..<p.count { p.data[i] *= scale } }
        return (try LatentModel(base: base, filter: LatentFilter(dimension: 8, seed: seed), tokenizer: tokenizer), tokenizer)
    }

    func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor.randomNormal(shape, rng: &rng)
    }

    @Test func gradientThroughTwoLatentSteps() throws {
        let (model, _) = try Self.latentModel(scale: 10)
        let base = model.base
        let prompt = random([1, 3, 8], seed: 3)
        let tailToken = [12]
        let report = GradCheck.check([prompt, model.filter.weight1, model.filter.bias2, base.blocks[0].query],
                                     epsilon: 1e-2, absoluteTolerance: 2e-3, relativeTolerance: 3e-2) {
            let cache = KeyValueCache(for: base, batchSize: 1)
            var out = try! base.forward(embeddings: prompt, starts: [0], cache: cache)
            var h = ModelOps.gatherRows(out.hidden, rows: [2])
            for _ in 0..<2 {
                out = try! base.forward(embeddings: model.filter(h).reshaped([1, 1, 8]), starts: [0], cache: cache)
                h = out.hidden.reshaped([1, 8])
            }
            let tail = try! base.forward(TokenBatch(rows: [tailToken], padID: 0), cache: cache)
            return concat([tail.logits.reshaped([1, 22]), h], axis: 1)
        }
        #expect(report.passed, "\(report)")
        #expect(report.checked > 0)
    }

    @Test func chunkedForwardEqualsOnePass() throws {
        let (model, _) = try Self.latentModel(scale: 5)
        let base = model.base
        let x = random([2, 7, 8], seed: 11)
        let starts = [0, 2]
        let whole = try base.forward(embeddings: x, starts: starts)
        for capacity in [nil, 7] as [Int?] {
            let cache = KeyValueCache(for: base, batchSize: 2, starts: starts, capacity: capacity)
            var parts: [Tensor] = []
            try Autograd.withoutGrad {
                for range in [0..<3, 3..<4, 4..<5, 5..<7] {
                    parts.append(try base.forward(embeddings: slice(x, axis: 1, range), starts: starts, cache: cache).logits)
                }
            }
            let chunked = concat(parts, axis: 1)
            for row in 0..<2 {
                for t in starts[row]..<7 {
                    let a = Array(whole.logits.scalars[((row * 7 + t) * 22)..<((row * 7 + t + 1) * 22)])
                    let b = Array(chunked.scalars[((row * 7 + t) * 22)..<((row * 7 + t + 1) * 22)])
                    #expect(Fixtures.maxDifference(a, b) < 1e-4, "row \(row) position \(t) capacity \(String(describing: capacity))")
                }
            }
        }
    }

    @Test func stopHeadMasking() throws {
        let (model, tokenizer) = try Self.latentModel()
        let logits = Tensor((0..<44).map { Float($0) }, shape: [2, 22])
        let masked = model.maskedLogits(logits, binary: [true, false]).scalars
        for j in 0..<22 {
            let binary = masked[j], other = masked[22 + j]
            if j == tokenizer.continueID || j == tokenizer.stopID { #expect(binary == Float(j)) } else { #expect(binary == -.infinity) }
            if [tokenizer.continueID, tokenizer.stopID, tokenizer.endID].contains(j) { #expect(other == -.infinity) } else { #expect(other == Float(22 + j)) }
        }
        // The stop head equals the masked CONTINUE/STOP logits of the output head.
        let out = try Autograd.withoutGrad { try model.base.forward(TokenBatch(rows: [[1, 12, tokenizer.startID]], padID: 0)) }
        let (c, s) = model.stopLogits(out.hidden.data + 2 * 8)
        #expect(abs(c - out.logits.scalars[2 * 22 + tokenizer.continueID]) < 1e-5)
        #expect(abs(s - out.logits.scalars[2 * 22 + tokenizer.stopID]) < 1e-5)
    }

    @Test func adaptiveStopsWhereTheHeadSaysAndBatchesAgree() throws {
        let (model, tokenizer) = try Self.latentModel(seed: 4, scale: 8)
        let prompts = [[1, 12, 13, 4], [1, 14, 4], [1, 15, 12, 13, 14, 4], [1, 4]]
        let batched = try model.generate(prompts: prompts, policy: .adaptive(cap: 5), maximumAnswerTokens: 6, trace: true)
        for (i, g) in batched.enumerated() {
            let single = try model.generate(prompts: [prompts[i]], policy: .adaptive(cap: 5), maximumAnswerTokens: 6, batchSize: 1, trace: true)[0]
            #expect(single.latentSteps == g.latentSteps && single.tokens == g.tokens, "prompt \(i)")
            // It stops at the first position whose STOP probability exceeds 1/2, or at the cap.
            let firstStop = g.trace.firstIndex { $0.stopProbability > 0.5 } ?? 5
            #expect(g.latentSteps == min(firstStop, 5))
            #expect(g.trace.count == g.latentSteps + 1)
            #expect(g.reasoningLength == g.latentSteps + 2)
            #expect(!g.tokens.contains(tokenizer.continueID) && !g.tokens.contains(tokenizer.endID))
        }
        // STOP row = CONTINUE row: the two logits tie, CONTINUE wins ties, so every row runs to the cap.
        let e = model.base.embedding
        for j in 0..<8 { e.data[tokenizer.stopID * 8 + j] = e.data[tokenizer.continueID * 8 + j] }
        let tie = try model.generate(prompts: prompts, policy: .adaptive(cap: 3), maximumAnswerTokens: 4)
        #expect(tie.allSatisfy { $0.latentSteps == 3 }, "equal logits continue (CONTINUE wins ties) up to the cap")
    }

    @Test func forcedCount() throws {
        let (model, _) = try Self.latentModel(seed: 2, scale: 8)
        for n in [0, 1, 4] {
            let out = try model.generate(prompts: [[1, 12, 4], [1, 13, 14, 4]], policy: .forced(n), maximumAnswerTokens: 3, trace: true)
            #expect(out.allSatisfy { $0.latentSteps == n && $0.trace.count == n + 1 && $0.reasoningLength == n + 2 })
        }
        #expect(throws: ModelError.self) { try model.generate(prompts: [[1, 12]], policy: .forced(1)) }
    }

    /// Explicit ids (a model without a tokenizer): they must lie in the vocabulary, and they
    /// drive inference like a tokenizer's.
    @Test func explicitTokenIds() throws {
        let (model, tokenizer) = try Self.latentModel(seed: 2, scale: 8)
        let tokens = LatentTokens(tokenizer)
        let same = LatentTokens(start: tokens.start, end: tokens.end, continue: tokens.continue, stop: tokens.stop,
                                eos: tokens.eos, pad: tokens.pad)
        #expect(same == tokens)
        let again = try LatentModel(base: model.base, filter: model.filter, tokens: same)
        let prompts = [[1, 12, 4], [1, 13, 14, 4]]
        #expect(try again.generate(prompts: prompts, maximumAnswerTokens: 3) == model.generate(prompts: prompts, maximumAnswerTokens: 3))
        var outside = tokens
        outside.stop = model.base.configuration.vocabularySize
        #expect(throws: ModelError.self) { try LatentModel(base: model.base, filter: model.filter, tokens: outside) }
    }

    @Test func meanResizingFromTeacher() throws {
        let (model, tokenizer) = try Self.latentModel(seed: 3)
        let latent = try LatentModel(teacher: model.base, tokenizer: tokenizer)
        let e = latent.base.embedding.scalars
        var mean = [Float](repeating: 0, count: 8)
        let special = [tokenizer.startID, tokenizer.endID, tokenizer.continueID, tokenizer.stopID]
        for r in 0..<22 where !special.contains(r) { for j in 0..<8 { mean[j] += e[r * 8 + j] / 18 } }
        for r in special { #expect(Fixtures.maxDifference(Array(e[(r * 8)..<(r * 8 + 8)]), mean) < 1e-6) }
        // A copy: the teacher's own rows are untouched.
        #expect(latent.base.embedding !== model.base.embedding)
    }

    @Test func filterScaledToTheEmbeddings() throws {
        let (model, tokenizer) = try Self.latentModel(seed: 3, scale: 20)
        let paper = try LatentModel(teacher: model.base, tokenizer: tokenizer)
        let scaled = try LatentModel(teacher: model.base, tokenizer: tokenizer, embeddingScale: true)
        let e = model.base.embedding.scalars
        let special = Set([tokenizer.startID, tokenizer.endID, tokenizer.continueID, tokenizer.stopID])
        let rows = (0..<22).filter { !special.contains($0) }
        let meanNorm = rows.map { r in (0..<8).map { e[r * 8 + $0] * e[r * 8 + $0] }.reduce(0, +).squareRoot() }.reduce(0, +) / Float(rows.count)
        func meanOutputNorm(_ m: LatentModel) -> Float {
            let out = m.filter(random([5, 8], seed: 9)).scalars
            return (0..<5).map { r in (0..<8).map { out[r * 8 + $0] * out[r * 8 + $0] }.reduce(0, +).squareRoot() }.reduce(0, +) / 5
        }
        // LayerNorm output (zero bias) has norm √D × gain for every row.
        #expect(abs(meanOutputNorm(paper) - Float(8).squareRoot()) < 1e-2)
        #expect(abs(meanOutputNorm(scaled) - meanNorm) < 1e-2 * meanNorm, "F(h) has the embeddings' mean norm \(meanNorm)")
        #expect(abs(meanNorm - Float(8).squareRoot()) > 0.5, "the fixture's embeddings differ in size from √D")
    }

    @Test func checkpointRoundTripAndOldCheckpointMessage() throws {
        let (model, tokenizer) = try Self.latentModel(seed: 5, scale: 4)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-ckpt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try model.save(to: dir, tokenizer: tokenizer)
        let (again, tok) = try LatentModel.load(from: dir)
        #expect(tok == tokenizer)
        for ((n1, a), (n2, b)) in zip(model.namedParameters(), again.namedParameters()) {
            #expect(n1 == n2 && a.scalars == b.scalars)
        }
        let p = [[1, 12, 13, 4]]
        #expect(try model.generate(prompts: p, policy: .forced(2)) == again.generate(prompts: p, policy: .forced(2)))
        // A plain checkpoint (no filter) still loads as a model, but not as a latent one.
        let plain = dir.appendingPathComponent("plain")
        try Checkpoint.save(model.base, tokenizer: tokenizer, to: plain)
        #expect(try Checkpoint.load(from: plain).model.parameterCount == model.base.parameterCount)
        do {
            _ = try LatentModel.load(from: plain)
            Issue.record("loading a plain checkpoint as latent should fail")
        } catch let error as ModelError {
            #expect(error.description.contains("no latent filter"))
            #expect(error.description.contains("plain CoT"))
        }
    }
}

import Testing
@testable import Models
import TensorCore

@Suite struct ForwardTests {
    let sequence = [1, 4, 9, 3, 7, 7, 2, 5, 10, 6]

    @Test func shapes() throws {
        let model = try Fixtures.tinyModel()
        let batch = TokenBatch(rows: [sequence, [1, 2]], padID: 0)
        let out = try Autograd.withoutGrad { try model.forward(batch, hiddenRows: [0, 11]) }
        #expect(out.logits.shape == [2, 10, 11])
        #expect(out.hidden.shape == [2, 10, 8])
        #expect(out.layerStates.count == 2)
        #expect(out.layerStates.allSatisfy { $0.shape == [2, 8] })
        // The last layer state is the post-norm hidden state (HF convention).
        #expect(out.layerStates[1].scalars == Array(out.hidden.scalars[0..<8]) + Array(out.hidden.scalars[88..<96]))
    }

    /// The gradient-free forward updates its residual stream in place (ModelOps+InPlace); it
    /// must give the recording forward's outputs and leave the caller's input vectors alone.
    @Test func gradientFreeForwardEqualsTheRecordingOne() throws {
        let model = try Fixtures.tinyModel()
        let batch = TokenBatch(rows: [sequence, [1, 2, 3]], padID: 0)
        let inputs = model.embed(batch.tokens, shape: [batch.batchSize, batch.length])
        let before = inputs.scalars
        let recorded = try model.forward(embeddings: inputs, starts: batch.starts, hiddenRows: [3, 12])
        let free = try Autograd.withoutGrad {
            try model.forward(embeddings: inputs, starts: batch.starts, hiddenRows: [3, 12])
        }
        #expect(Fixtures.maxDifference(recorded.logits.scalars, free.logits.scalars) < 1e-6)
        #expect(Fixtures.maxDifference(recorded.hidden.scalars, free.hidden.scalars) < 1e-6)
        for (a, b) in zip(recorded.layerStates, free.layerStates) {
            #expect(Fixtures.maxDifference(a.scalars, b.scalars) < 1e-6)
        }
        #expect(inputs.scalars == before)
    }

    @Test func incrementalDecodingMatchesTheFullForward() throws {
        let model = try Fixtures.tinyModel()
        let full = try Autograd.withoutGrad { try model.forward(TokenBatch(rows: [sequence], padID: 0)).logits }
        for capacity in [nil, 16] as [Int?] {
            let cache = KeyValueCache(for: model, batchSize: 1, capacity: capacity)
            // Prefill 4 positions, then one at a time.
            let prefix = try Autograd.withoutGrad {
                try model.forward(TokenBatch(rows: [Array(sequence[0..<4])], padID: 0), cache: cache).logits
            }
            for t in 0..<4 {
                #expect(Fixtures.maxDifference(Fixtures.logits(prefix, row: 0, position: t),
                                               Fixtures.logits(full, row: 0, position: t)) < 1e-5)
            }
            for t in 4..<sequence.count {
                let step = try Autograd.withoutGrad {
                    try model.forward(TokenBatch(rows: [[sequence[t]]], padID: 0), cache: cache).logits
                }
                let diff = Fixtures.maxDifference(Fixtures.logits(step, row: 0, position: 0),
                                                  Fixtures.logits(full, row: 0, position: t))
                #expect(diff < 1e-5, "position \(t), capacity \(String(describing: capacity)): \(diff)")
            }
            #expect(cache.length == sequence.count)
        }
    }

    @Test func leftPaddingDoesNotChangeARow() throws {
        let model = try Fixtures.tinyModel()
        let short = Array(sequence[0..<6])
        let alone = try Autograd.withoutGrad { try model.forward(TokenBatch(rows: [short], padID: 0)).logits }
        let padded = TokenBatch(rows: [sequence, short], padID: 0, padding: .left)
        #expect(padded.starts == [0, 4])
        let both = try Autograd.withoutGrad { try model.forward(padded).logits }
        for t in 0..<6 {
            let diff = Fixtures.maxDifference(Fixtures.logits(alone, row: 0, position: t),
                                              Fixtures.logits(both, row: 1, position: 4 + t))
            #expect(diff < 1e-5)
        }
        // And through a cache: prefill the padded batch, then one more position per row.
        let cache = KeyValueCache(for: model, batchSize: 2, starts: padded.starts, capacity: 12)
        let last = try Autograd.withoutGrad { try model.forward(padded, cache: cache, lastPositionOnly: true).logits }
        #expect(last.shape == [2, 1, 11])
        #expect(Fixtures.maxDifference(Fixtures.logits(last, row: 1, position: 0),
                                       Fixtures.logits(alone, row: 0, position: 5)) < 1e-5)
        let next = try Autograd.withoutGrad {
            try model.forward(TokenBatch(tokens: [3, 8], batchSize: 2, length: 1), cache: cache).logits
        }
        let reference = try Autograd.withoutGrad { try model.forward(TokenBatch(rows: [short + [8]], padID: 0)).logits }
        #expect(Fixtures.maxDifference(Fixtures.logits(next, row: 1, position: 0),
                                       Fixtures.logits(reference, row: 0, position: 6)) < 1e-5)
    }

    @Test func rightPaddingDoesNotChangeRealPositions() throws {
        let model = try Fixtures.tinyModel()
        let short = [1, 5, 6]
        let alone = try Autograd.withoutGrad { try model.forward(TokenBatch(rows: [short], padID: 0)).logits }
        let both = try Autograd.withoutGrad { try model.forward(TokenBatch(rows: [sequence, short], padID: 0)).logits }
        for t in 0..<3 {
            #expect(Fixtures.maxDifference(Fixtures.logits(alone, row: 0, position: t),
                                           Fixtures.logits(both, row: 1, position: t)) < 1e-5)
        }
    }

    @Test func badInputsAreReported() throws {
        let model = try Fixtures.tinyModel()
        #expect(throws: ModelError.self) { try model.forward(TokenBatch(rows: [[1, 11]], padID: 0)) }
        #expect(throws: ModelError.self) { try model.forward(TokenBatch(rows: [[Int](repeating: 1, count: 33)], padID: 0)) }
        let cache = KeyValueCache(for: model, batchSize: 1, capacity: 4)
        #expect(throws: ModelError.self) { try model.forward(TokenBatch(rows: [[1, 2]], padID: 0), cache: cache) }
        #expect(throws: ModelError.self) {
            try Autograd.withoutGrad { try model.forward(TokenBatch(rows: [[1, 2, 3, 4, 5]], padID: 0), cache: cache) }
        }
    }
}

import Datasets
import Models
import Testing
@testable import Training

@Suite struct BatcherTests {
    @Test func targetsStartAfterTheQuestion() {
        let batch = TrainingBatch([TrainingSequence(ids: [1, 10, 11, 12, 13, 2], promptCount: 3),
                                   TrainingSequence(ids: [1, 20, 21, 2], promptCount: 2)], padID: 0)
        #expect(batch.inputs.length == 5)
        #expect(batch.inputs.tokens == [1, 10, 11, 12, 13, 1, 20, 21, 0, 0])
        let ignored = ModelOps.ignoredTarget
        // Row 0: positions 0, 1 predict prompt tokens (ignored); 2 → 12, 3 → 13, 4 → eos.
        #expect(batch.targets == [ignored, ignored, 12, 13, 2, ignored, 21, 2, ignored, ignored])
        #expect(batch.targetTokens == 5)
        #expect(batch.tokens == 8)
    }

    @Test func plansCoverEveryExampleOnceWithLittlePadding() throws {
        let data = try TrainingFixtures.data(2000)
        let tokenizer = Tokenizer(building: data)
        let sequences = SFTTrainer.sequences(data, tokenizer: tokenizer, chainOfThought: true)
        let batcher = SequenceBatcher(sequences: sequences, batchSize: 32, padID: tokenizer.padID)
        let plan = batcher.plan(epoch: 0, seed: 1)
        #expect(plan.flatMap { $0 }.sorted() == Array(0..<2000))
        #expect(plan.count == batcher.batchesPerEpoch)
        var real = 0, padded = 0
        for indices in plan {
            let b = batcher.batch(indices)
            real += b.tokens
            padded += b.inputs.batchSize * b.inputs.length
        }
        #expect(Double(padded - real) / Double(padded) < 0.03)
        #expect(batcher.plan(epoch: 0, seed: 1) == plan)
        #expect(batcher.plan(epoch: 1, seed: 1) != plan)
    }
}

// Splitting a batch across worker threads must give the gradient of the whole batch, and
// computing logits only where targets are must give the loss of the full logits.

import Datasets
import Models
import TensorCore
import Testing
@testable import Training

@Suite struct DataParallelTests {
    /// A batch of sequences of different lengths from the fixture data.
    func fixture() throws -> (LlamaModel, [TrainingSequence], Int) {
        let data = try TrainingFixtures.data(7)
        let tokenizer = Tokenizer(building: data)
        let model = try TrainingFixtures.model(for: tokenizer)
        return (model, SFTTrainer.sequences(data, tokenizer: tokenizer, chainOfThought: true), tokenizer.padID)
    }

    func gradients(_ model: LlamaModel) -> [Float] {
        model.parameters().flatMap { $0.grad?.scalars ?? [Float](repeating: 0, count: $0.count) }
    }

    @Test func shardsInterleaveRowsAndNeverExceedTheRows() {
        #expect(DataParallel.shards([0, 1, 2, 3, 4], workers: 2) == [[0, 2, 4], [1, 3]])
        #expect(DataParallel.shards([7], workers: 3) == [[7]])
        #expect(DataParallel.shards([1, 2, 3], workers: 1) == [[1, 2, 3]])
    }

    @Test func twoWorkersGiveTheWholeBatchLossAndGradient() throws {
        let (model, sequences, pad) = try fixture()
        let whole = TrainingBatch(sequences, padID: pad)
        let loss = try SFTTrainer.loss(model: model, batch: whole)
        let expectedLoss = Double(loss.item)
        loss.backward()
        let expected = gradients(model)
        model.zeroGradients()

        let parallel = try DataParallel(model: model, workers: 2)
        let shards = DataParallel.shards(Array(sequences.indices), workers: 2).map { rows in
            TrainingBatch(rows.map { sequences[$0] }, padID: pad)
        }
        #expect(shards.count == 2)
        let value = try parallel.lossAndGradients(shards, targetTokens: \.targetTokens) { m, shard in
            try SFTTrainer.loss(model: m, batch: shard)
        }
        #expect(abs(value - expectedLoss) < 1e-5 * max(1, abs(expectedLoss)))
        let got = gradients(model)
        let scale = expected.map(abs).max() ?? 1
        let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-5 * scale, "largest gradient difference \(worst) (scale \(scale))")
        // The replica's own gradients were handed over and cleared.
        #expect(parallel.models[1].parameters().allSatisfy { ($0.grad?.scalars.allSatisfy { $0 == 0 }) ?? true })
        // Replicas share the weights: an update to the model is seen by every worker.
        model.embedding.data[0] += 1
        #expect(parallel.models[1].embedding.data[0] == model.embedding.data[0])
    }

    @Test func logitsOnlyWhereTargetsAreGiveTheFullLoss() throws {
        let (model, sequences, pad) = try fixture()
        let batch = TrainingBatch(sequences, padID: pad)
        let full = try Autograd.withoutGrad {
            ModelOps.crossEntropy(logits: try model.forward(batch.inputs).logits, targets: batch.targets).item
        }
        let rows = try Autograd.withoutGrad { try SFTTrainer.loss(model: model, batch: batch).item }
        #expect(abs(full - rows) < 1e-5)
        #expect(throws: ModelError.self) { try model.forward(batch.inputs, logitRows: [batch.targets.count]) }
    }

    @Test func trainingIsDeterministicWithTwoWorkers() throws {
        func train() throws -> [Double] {
            let data = try TrainingFixtures.data(24)
            let tokenizer = Tokenizer(building: data)
            let model = try TrainingFixtures.model(for: tokenizer)
            var p = SFTTrainer.Parameters()
            p.epochs = 2
            p.batchSize = 8
            return try SFTTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p).losses
        }
        let first = try train()
        #expect(first.count == 6)
        #expect(try train() == first)
    }
}

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
        #expect(Sharding.shards([0, 1, 2, 3, 4], workers: 2) == [[0, 2, 4], [1, 3]])
        #expect(Sharding.shards([7], workers: 3) == [[7]])
        #expect(Sharding.shards([1, 2, 3], workers: 1) == [[1, 2, 3]])
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
        let shards = Sharding.shards(Array(sequences.indices), workers: 2).map { rows in
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

    @Test func latentReplicasShareTheFilterAndSumShardGradients() throws {
        let (data, tokenizer, model) = try DistillationTests.setup(4)
        let replica = try model.sharingWeights()
        #expect(replica.parameters().count == model.parameters().count)
        for (a, b) in zip(model.parameters(), replica.parameters()) { #expect(a.storage === b.storage) }
        // Two shards of one example each: the summed gradient is the sum of the two
        // single-example gradients weighted by one half.
        let examples = data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: 2) }
        let shards = [DistillationBatch([examples[0]], tokenizer: tokenizer), DistillationBatch([examples[1]], tokenizer: tokenizer)]
        var expected = [Float](repeating: 0, count: gradients(model).count)
        for shard in shards {
            model.base.zeroGradients()
            for p in model.filter.parameters() { p.zeroGrad() }
            try DistillationLoss.compute(model: model, batch: shard).total.backward(gradient: Tensor(scalar: 0.5))
            for (i, g) in gradients(model).enumerated() { expected[i] += g }
        }
        model.base.zeroGradients()
        for p in model.filter.parameters() { p.zeroGrad() }
        let parallel = try DataParallel(model: model, workers: 2)
        let parts = try parallel.map(shards) { m, b in try DistillationLoss.compute(model: m, batch: b) }
        parallel.backward(parts.map(\.total), weights: [0.5, 0.5])
        let got = gradients(model)
        let scale = expected.map(abs).max() ?? 1
        let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-5 * scale, "largest gradient difference \(worst) (scale \(scale))")
    }

    func gradients(_ model: LatentModel) -> [Float] {
        model.parameters().flatMap { $0.grad?.scalars ?? [Float](repeating: 0, count: $0.count) }
    }
}

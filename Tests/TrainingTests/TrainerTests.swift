import Datasets
import Models
import TensorCore
import Testing
@testable import Training

@Suite struct TrainerTests {
    @Test func overfitsOneBatch() throws {
        let data = try TrainingFixtures.data(8)
        let tokenizer = Tokenizer(building: data)
        let model = try TrainingFixtures.model(for: tokenizer)
        var p = SFTTrainer.Parameters()
        p.epochs = 40
        p.batchSize = 8
        p.optimizer.warmupSteps = 5
        p.optimizer.learningRate = 1e-2
        let run = try SFTTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p)
        #expect(run.steps == 40)
        #expect(run.losses.count == 40)
        #expect(run.losses.last! < run.losses.first! * 0.3, "\(run.losses.first!) → \(run.losses.last!)")
        #expect(!run.interrupted)
        #expect(run.metrics["lr"]?.count == 40)
    }

    @Test func eventsAndStopRequest() throws {
        let data = try TrainingFixtures.data(40)
        let tokenizer = Tokenizer(building: data)
        let model = try TrainingFixtures.model(for: tokenizer)
        var p = SFTTrainer.Parameters()
        p.epochs = 3
        p.batchSize = 8
        var log: [String] = []
        var weightsAtStop: [Float] = []
        let run = try SFTTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p) { event in
            switch event {
            case .started(let total, let examples):
                log.append("started \(total) \(examples)")
            case .step(let s):
                log.append("step \(s.step)")
                if s.step == 3 {
                    weightsAtStop = model.embedding.scalars
                    return .stop
                }
            case .finished(let r):
                log.append("finished \(r.steps) \(r.interrupted)")
            }
            return .continue
        }
        #expect(log == ["started 15 40", "step 1", "step 2", "step 3", "finished 3 true"])
        #expect(run.steps == 3 && run.interrupted)
        #expect(model.embedding.scalars == weightsAtStop)
    }

    @Test func divergenceStopsWithTheLastGoodWeights() throws {
        let data = try TrainingFixtures.data(16)
        let tokenizer = Tokenizer(building: data)
        let model = try TrainingFixtures.model(for: tokenizer)
        var p = SFTTrainer.Parameters()
        p.epochs = 4
        p.batchSize = 8
        var good: [Float] = []
        var steps = 0
        do {
            _ = try SFTTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p) { event in
                if case .step(let s) = event {
                    steps = s.step
                    good = model.parameters().flatMap(\.scalars)
                    // Poison one norm weight after step 2: the next loss is NaN.
                    if s.step == 2 { model.finalNorm.data[0] = .nan }
                }
                return .continue
            }
            Issue.record("training with a NaN weight did not throw")
        } catch TrainingError.nonFinite(let step, let loss) {
            #expect(step == 3 && loss.isNaN)
        }
        #expect(steps == 2)
        // Nothing but the poisoned value changed after the last good step.
        var after = model.parameters().flatMap(\.scalars)
        let index = after.count - model.finalNorm.count
        #expect(after[index].isNaN)
        after[index] = good[index]
        let unchanged = after == good
        #expect(unchanged)
    }

    @Test func badSettingsAreRejected() throws {
        let data = try TrainingFixtures.data(4)
        let tokenizer = Tokenizer(building: data)
        let model = try TrainingFixtures.model(for: tokenizer)
        var p = SFTTrainer.Parameters()
        p.batchSize = 0
        #expect(throws: TrainingError.self) { try SFTTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p) }
        p = SFTTrainer.Parameters()
        p.optimizer.learningRate = -1
        #expect(throws: TrainingError.self) { try SFTTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p) }
        #expect(throws: TrainingError.self) {
            try SFTTrainer.train(model: model, tokenizer: tokenizer, data: Dataset([]), parameters: SFTTrainer.Parameters())
        }
    }
}

import Datasets
import Models
import TensorCore
import Testing
@testable import Training

@Suite struct EvaluatorTests {
    @Test func scoresKnownOutputs() throws {
        let examples = [
            Example(question: "a", steps: ["<<2+3=5>>"], answer: "5"),
            Example(question: "b", steps: ["<<2+3=5>>", "<<5*2=10>>"], answer: "10"),
            Example(question: "c", steps: ["<<1+1=2>>"], answer: "2"),
        ]
        let tokenizer = Tokenizer(building: Dataset(examples))
        let outputs = ["<<2+3=5>> The answer is: 5", "<<2+3=5>><<5*2=10>> The answer is: 11", "no marker 2"]
        let r = Evaluator.score(examples, outputs: outputs, mode: .chainOfThought, tokenizer: tokenizer)
        #expect(r.correct == [true, false, false])
        #expect(r.wellFormatted == [true, true, false])
        #expect(abs(r.accuracy - 1.0 / 3) < 1e-12)
        // "<<2+3=5>>" is << 2 + 3 = 5 >> = 7 tokens; the second adds << 5 * 2 = 1 0 >> = 15.
        #expect(r.lengths[0] == 7 && r.lengths[1] == 15)
        #expect(r.meanLength == 11)
        #expect(r.bySteps.map(\.steps) == [1, 2])
        #expect(r.bySteps[0].count == 2 && r.bySteps[0].accuracy == 0.5 && r.bySteps[0].meanLength == 7)
        let n = Evaluator.score(examples, outputs: [" The answer is: 5", " The answer is: 10", "x"],
                                mode: .noChainOfThought, tokenizer: tokenizer)
        #expect(n.accuracy == 2.0 / 3 && n.meanLength == 0)
    }

    @Test func memorisedProblemsAreSolvedByGreedyDecoding() throws {
        let data = try TrainingFixtures.data(4, seed: 11)
        let tokenizer = Tokenizer(building: data)
        let model = try TrainingFixtures.model(for: tokenizer, dimension: 32, layers: 2)
        var p = SFTTrainer.Parameters()
        p.epochs = 120
        p.batchSize = 4
        p.optimizer.warmupSteps = 10
        p.optimizer.learningRate = 1e-2
        p.optimizer.minimumLearningRateFraction = 0.1
        let run = try SFTTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p)
        #expect(run.losses.last! < 0.05, "final loss \(run.losses.last!)")
        let result = try Evaluator.evaluate(model: model, tokenizer: tokenizer, data: data, batchSize: 3)
        #expect(result.accuracy == 1, "\(result.outputs)")
        let expected = data.map { tokenizer.encode($0.cotText).count }
        #expect(result.lengths == expected)
        #expect(result.bySteps.reduce(0) { $0 + $1.count } == 4)

        // A stop inside the second batch's decoding (an interrupt) ends at once: the first
        // batch of 3 is scored, the batch in progress is dropped, no further check is made.
        var progress: [Int] = [], checks = 0, checksAtSecondBatch = 0
        let stopped = try Evaluator.evaluate(model: model, tokenizer: tokenizer, data: data, batchSize: 3, onProgress: { done, _ in
            progress.append(done)
            checksAtSecondBatch = checks
            return .continue
        }, shouldStop: {
            checks += 1
            return progress == [3]  // asked inside the second batch
        })
        #expect(stopped.outputs.count == 3 && stopped.accuracy == 1)
        #expect(checksAtSecondBatch > 1, "the first batch asked between its decoding steps")
        #expect(progress == [3] && checks == checksAtSecondBatch + 1)
        // Stopped within the first batch: nothing scored, nothing crashes.
        let none = try Evaluator.evaluate(model: model, tokenizer: tokenizer, data: data, batchSize: 3, shouldStop: { true })
        #expect(none.outputs.isEmpty && none.accuracy == 0)
    }
}

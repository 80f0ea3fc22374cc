import Datasets
import Models
import TensorCore
import Testing
@testable import Training

/// `distill(…, gate_answer: true)`: which rows hold an exact latent chain (read off the step
/// supervision's logits), and an answer loss that counts only those rows.
@Suite struct AnswerGateTests {
    /// Logit rows of width `v` whose argmax is `argmax[r]`.
    func logits(argmax: [Int], v: Int) -> Tensor {
        let t = Tensor(zeros: [argmax.count, v])
        for (r, j) in argmax.enumerated() { t.data[r * v + j] = 3 }
        return t
    }

    @Test func aRowIsExactWhenEveryTargetIsTheArgmax() {
        // Two step rows of text length 2: [latent row 0, latent row 1, row 0's text, row 1's text].
        let ignored = ModelOps.ignoredTarget
        let targets = [4, 1, 2, ignored, 3, 0]
        #expect(ChainExactness.exactRows(logits: logits(argmax: [4, 1, 2, 0, 3, 0], v: 5), targets: targets, rows: 2, length: 2)
            == [true, true], "an ignored target (padding) cannot make a row wrong")
        #expect(ChainExactness.exactRows(logits: logits(argmax: [4, 1, 2, 0, 3, 2], v: 5), targets: targets, rows: 2, length: 2)
            == [true, false], "one wrong token of the step text")
        #expect(ChainExactness.exactRows(logits: logits(argmax: [0, 1, 2, 0, 3, 0], v: 5), targets: targets, rows: 2, length: 2)
            == [false, true], "a wrong first token, predicted at the latent position itself")
    }

    @Test func anExampleIsExactWhenAllItsSupervisedLatentsAre() {
        // Batch of 3; rows (k − 1)·3 + b: example 1 at latents 1 and 2 (rows 1, 4), example 2 at latent 1 (row 2).
        let mixed = ChainExactness(rows: [1, 2, 4], exact: [true, true, false], batchSize: 3)
        #expect(mixed.exactExamples == [0, 2], "example 0 has no supervised step: nothing in its latents is wrong")
        #expect(mixed.fraction == 0.5)
        let none = ChainExactness(rows: [], exact: [], batchSize: 2)
        #expect(none.exactExamples == [0, 1] && none.fraction == nil)
    }

    /// A tiny random model, a 1-step and a 3-step example: under the written alignment only the
    /// 3-step example has supervised latents, and a random model does not decode them.
    func mixedBatch() throws -> (LatentModel, Tokenizer, [DistillationExample]) {
        let data = try Dataset.arith(n: 40, steps: 1...3, seed: 5)
        let tokenizer = Tokenizer(building: data)
        let one = try #require(data.first { $0.stepCount == 1 }), three = try #require(data.first { $0.stepCount == 3 })
        let teacher = try TrainingFixtures.model(for: tokenizer, dimension: 16, layers: 1, seed: 3)
        let model = try LatentModel(teacher: teacher, tokenizer: tokenizer, seed: 1)
        return (model, tokenizer, [one, three].map { DistillationExample($0, tokenizer: tokenizer, latentCount: 3) })
    }

    @Test func theGatedAnswerCountsOnlyRowsWithAnExactChain() throws {
        let (model, tokenizer, examples) = try mixedBatch()
        let batch = DistillationBatch(examples, tokenizer: tokenizer, stepSupervision: true, alignment: .written)
        let gated = try DistillationLoss.compute(model: model, batch: batch, stepWeight: 1, gateAnswer: true)
        let plain = try DistillationLoss.compute(model: model, batch: batch, stepWeight: 1)
        #expect(gated.chainExact == 0 && plain.chainExact == 0, "the random model's latents do not decode the 3-step example's results")
        #expect(gated.answerRows == 1 && plain.answerRows == 2)
        // The gated distillation term is the 1-step example's alone; the ungated one is not.
        let alone = DistillationBatch([examples[0]], tokenizer: tokenizer, stepSupervision: true, alignment: .written)
        let single = try DistillationLoss.compute(model: model, batch: alone, stepWeight: 1)
        #expect(abs(gated.distillation - single.distillation) < 1e-4 * single.distillation, "\(gated.distillation) vs \(single.distillation)")
        #expect(abs(plain.distillation - single.distillation) > 1e-2 * single.distillation, "\(plain.distillation) vs \(single.distillation)")
        // Step supervision and the teacher are not gated.
        #expect(gated.stepCE == plain.stepCE && gated.teacherCE == plain.teacherCE)
        #expect(gated.studentCE != plain.studentCE)
    }

    @Test func withEveryChainExactTheGateChangesNothing() throws {
        let (model, tokenizer, examples) = try mixedBatch()
        // One-step examples only: no supervised latent, so every row is exact.
        let batch = DistillationBatch([examples[0], examples[0]], tokenizer: tokenizer, stepSupervision: true, alignment: .written)
        let gated = try DistillationLoss.compute(model: model, batch: batch, stepWeight: 1, gateAnswer: true)
        let plain = try DistillationLoss.compute(model: model, batch: batch, stepWeight: 1)
        #expect(gated.answerRows == 2 && gated.chainExact == nil)
        #expect(gated.total.item == plain.total.item)
    }

    @Test func theTrainerRecordsExactChainsAndNeedsStepSupervisionToGate() throws {
        let (data, tokenizer, model) = try DistillationTests.setup(8, layers: 1)
        var p = DistillationTests.shortRun(steps: 3)
        p.stepAlignment = .written
        p.gateAnswer = true
        #expect(throws: TrainingError.self) { try p.validate() }
        p.stepWeight = 1
        let run = try DistillationTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p)
        let rows = try #require(run.metrics["answer_rows"]), exact = try #require(run.metrics["chain_exact"])
        #expect(rows.count == 3 && rows.allSatisfy { (0...1).contains($0) })
        #expect(!exact.isEmpty && exact.allSatisfy { (0...1).contains($0) })
    }
}

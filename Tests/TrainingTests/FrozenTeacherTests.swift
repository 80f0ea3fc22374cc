import Datasets
import Models
import TensorCore
import Testing
@testable import Training

/// `distill(…, frozen_teacher: true)`: targets computed once by the starting model equal the live
/// teacher pass's at the same weights, stay put while the model trains, and let the teacher pass
/// be skipped.
@Suite struct FrozenTeacherTests {
    func setup() throws -> (LatentModel, Tokenizer, [DistillationExample]) {
        let data = try Dataset.arith(n: 40, steps: 1...3, seed: 7)
        let tokenizer = Tokenizer(building: data)
        let teacher = try TrainingFixtures.model(for: tokenizer, dimension: 16, layers: 2, seed: 4)
        let model = try LatentModel(teacher: teacher, tokenizer: tokenizer, seed: 2)
        return (model, tokenizer, data.prefix(6).map { DistillationExample($0, tokenizer: tokenizer, latentCount: 2) })
    }

    @Test func frozenTargetsAtTheSameWeightsGiveTheLiveLoss() throws {
        let (model, tokenizer, examples) = try setup()
        // Computed in batches of 4 (two batches, different padding) for a batch of all 6.
        let targets = try #require(try FrozenTeacher.answerStates(model: model, tokenizer: tokenizer, examples: examples, batchSize: 4))
        #expect(targets.count == 6 && targets.allSatisfy { $0.count == 2 * 16 }, "one row of layers × dim per example")
        var batch = DistillationBatch(examples, tokenizer: tokenizer)
        let live = try DistillationLoss.compute(model: model, batch: batch)
        batch.answerTargets = targets
        let frozen = try DistillationLoss.compute(model: model, batch: batch)
        #expect(live.distillation > 0)
        #expect(abs(frozen.distillation - live.distillation) < 1e-4 * live.distillation, "\(frozen.distillation) vs \(live.distillation)")
        #expect(frozen.teacherCE == live.teacherCE && frozen.studentCE == live.studentCE)
        // Without the teacher's cross-entropy the teacher pass is skipped; the distance stays.
        let skipped = try DistillationLoss.compute(model: model, batch: batch, teacherWeight: 0)
        #expect(skipped.teacherCE == 0 && abs(skipped.distillation - live.distillation) < 1e-4 * live.distillation)
        // Other targets give another distance: they are what the loss reads.
        batch.answerTargets = targets.map { $0.map { $0 + 1 } }
        #expect(abs(try DistillationLoss.compute(model: model, batch: batch).distillation - live.distillation) > 1e-2 * live.distillation)
    }

    @Test func theTrainerKeepsTheStartingTargets() throws {
        let (data, tokenizer, model) = try DistillationTests.setup(8, layers: 1)
        var p = DistillationTests.shortRun(steps: 4)
        p.learningRate = 1e-2
        p.frozenTeacher = true
        p.teacherWeight = 0
        let examples = data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: 2) }
        let before = try #require(try FrozenTeacher.answerStates(model: model, tokenizer: tokenizer, examples: examples))
        let run = try DistillationTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p)
        #expect(run.steps == 4)
        #expect(try #require(run.metrics["ce_teacher"]).allSatisfy { $0 == 0 })
        // The model moved, so a live teacher would now give other targets than the frozen ones.
        let after = try #require(try FrozenTeacher.answerStates(model: model, tokenizer: tokenizer, examples: examples))
        #expect(zip(before, after).contains { $0 != $1 })
        // The run's last distance is measured against the starting targets.
        var batch = DistillationBatch(Array(examples.prefix(4)), tokenizer: tokenizer)
        batch.answerTargets = Array(before.prefix(4))
        let againstStart = try DistillationLoss.compute(model: model, batch: batch, teacherWeight: 0).distillation
        batch.answerTargets = nil
        let againstNow = try DistillationLoss.compute(model: model, batch: batch, teacherWeight: 0).distillation
        #expect(againstStart != againstNow)
    }

    @Test func preparingReportsProgressAndCanBeStopped() throws {
        let (data, tokenizer, model) = try DistillationTests.setup(8, layers: 1)
        var p = DistillationTrainer.Parameters()
        p.latent = .fixed(2)
        p.batchSize = 4
        p.maximumSteps = 2
        p.frozenTeacher = true
        var log: [String] = []
        let run = try DistillationTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p) { event in
            switch event {
            case .started: log.append("started")
            case .preparing(let done, let total): log.append("preparing \(done)/\(total)")
            case .step(let s): log.append("step \(s.step)")
            case .finished(let r): log.append("finished \(r.steps)")
            }
            return .continue
        }
        #expect(run.steps == 2)
        #expect(log == ["started", "preparing 8/8", "step 1", "step 2", "finished 2"])

        // A stop while the targets are computed ends the run before its first step, weights untouched.
        let before = model.parameters().flatMap(\.scalars)
        var steps = 0
        let stopped = try DistillationTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p) { event in
            if case .step = event { steps += 1 }
            if case .preparing = event { return .stop }
            return .continue
        }
        #expect(stopped.steps == 0 && stopped.interrupted && steps == 0)
        #expect(model.parameters().flatMap(\.scalars) == before)
        // Progress comes after every batch of targets.
        let examples = data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: 2) }
        var seen: [Int] = []
        _ = try FrozenTeacher.answerStates(model: model, tokenizer: tokenizer, examples: examples, batchSize: 3) { done, _ in
            seen.append(done)
            return true
        }
        #expect(seen == [3, 6, 8])
    }

    @Test func perStepAlignmentNeedsALiveTeacher() {
        var p = DistillationTrainer.Parameters()
        p.frozenTeacher = true
        p.stepDistillWeight = 1
        #expect(throws: TrainingError.self) { try p.validate() }
    }
}

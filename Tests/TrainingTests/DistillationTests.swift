import Datasets
import Foundation
import Models
import Support
import TensorCore
import Testing
@testable import Training

/// CODI-style distillation: the loss against an independent reference, batching by latent
/// count, the divergence guard, and latent evaluation.
@Suite struct DistillationTests {
    static func setup(_ n: Int = 2, layers: Int = 2, seed: Int = 7) throws -> (Dataset, Tokenizer, LatentModel) {
        let data = try TrainingFixtures.data(n, seed: seed)
        let tokenizer = Tokenizer(building: data)
        let teacher = try TrainingFixtures.model(for: tokenizer, dimension: 16, layers: layers, seed: 3)
        for p in teacher.parameters() where p.rank == 2 { for i in 0..<p.count { p.data[i] *= 5 } }
        return (data, tokenizer, try LatentModel(teacher: teacher, tokenizer: tokenizer, seed: 1))
    }

    /// A few steps of distillation with 2 latent steps at batch 4, no warm-up: the settings of
    /// the trainer tests on `setup(8, layers: 1)`.
    static func shortRun(steps: Int) -> DistillationTrainer.Parameters {
        var p = DistillationTrainer.Parameters()
        p.latent = .fixed(2)
        p.batchSize = 4
        p.epochs = 100
        p.maximumSteps = steps
        p.optimizer.warmupSteps = 0
        return p
    }

    /// Mean smooth-L1 (β 1) of `student` against `teacher`, divided by the teacher's unbiased
    /// standard deviation (+ 1e-8), in Double: one block's distillation term.
    static func scaledSmoothL1(_ student: [Float], _ teacher: [Float]) -> Double {
        let t = teacher.map(Double.init), s = student.map(Double.init)
        let smooth = zip(s, t).map { a, b in abs(a - b) < 1 ? 0.5 * (a - b) * (a - b) : abs(a - b) - 0.5 }.reduce(0, +) / Double(t.count)
        let mean = t.reduce(0, +) / Double(t.count)
        let std = (t.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(t.count - 1)).squareRoot()
        return smooth / (std + 1e-8)
    }

    /// −log softmax(masked row)[target] in Double.
    func maskedCE(_ row: ArraySlice<Float>, target: Int, binary: Bool, tokenizer: Tokenizer) -> Double {
        let v = Array(row).enumerated().map { j, x -> Double in
            let latent = j == tokenizer.continueID || j == tokenizer.stopID
            if binary { return latent ? Double(x) : -.infinity }
            return latent || j == tokenizer.endID ? -.infinity : Double(x)
        }
        let m = v.max()!
        return m + log(v.map { exp($0 - m) }.reduce(0, +)) - v[target]
    }

    @Test func lossMatchesAReferenceComputation() throws {
        let (data, tokenizer, model) = try Self.setup()
        let n = 2
        let examples = data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: n) }
        #expect(examples[0].student.ids.count != examples[1].student.ids.count, "left padding should be exercised")
        let loss = try DistillationLoss.compute(model: model, batch: DistillationBatch(examples, tokenizer: tokenizer))
        // Reference: every example on its own, no cache, the recurrence by repeated full forwards.
        let base = model.base, v = tokenizer.count, d = 16
        var teacherTerms: [Double] = [], studentTerms: [Double] = []
        var teacherStates: [[[Float]]] = [], studentStates: [[[Float]]] = []
        try Autograd.withoutGrad {
            for e in examples {
                let t = e.teacher.ids
                let out = try base.forward(TokenBatch(rows: [Array(t.dropLast())], padID: 0), hiddenRows: [e.teacher.answerAnchor])
                for i in (e.teacher.promptCount - 1)..<(t.count - 1) {
                    teacherTerms.append(maskedCE(out.logits.scalars[(i * v)..<((i + 1) * v)], target: t[i + 1], binary: false, tokenizer: tokenizer))
                }
                teacherStates.append(out.layerStates.map(\.scalars))
                let s = e.student.ids
                let startPos = e.student.promptCount
                var inputs = base.embed(Array(s[0...startPos]), shape: [startPos + 1]).scalars
                for _ in 0..<n {
                    let len = inputs.count / d
                    let h = try base.forward(embeddings: Tensor(inputs, shape: [1, len, d]), starts: [0]).hidden
                    inputs += model.filter(Tensor(Array(h.scalars[((len - 1) * d)...]), shape: [1, d])).scalars
                }
                let tailIDs = [tokenizer.endID] + Array(s[(startPos + n + 2)..<(s.count - 1)])
                inputs += base.embed(tailIDs, shape: [tailIDs.count]).scalars
                let len = inputs.count / d
                #expect(len == s.count - 1)
                let out2 = try base.forward(embeddings: Tensor(inputs, shape: [1, len, d]), starts: [0], hiddenRows: [e.student.answerAnchor])
                for i in (startPos - 1)..<(s.count - 1) {
                    let binary = i >= startPos && i <= startPos + n
                    studentTerms.append(maskedCE(out2.logits.scalars[(i * v)..<((i + 1) * v)], target: s[i + 1], binary: binary, tokenizer: tokenizer))
                }
                studentStates.append(out2.layerStates.map(\.scalars))
            }
        }
        let ceT = teacherTerms.reduce(0, +) / Double(teacherTerms.count)
        let ceS = studentTerms.reduce(0, +) / Double(studentTerms.count)
        var distill = 0.0
        for l in 0..<2 {
            distill += Self.scaledSmoothL1(studentStates.flatMap { $0[l] }, teacherStates.flatMap { $0[l] }) / 2
        }
        #expect(abs(loss.teacherCE - ceT) < 1e-4 * max(1, ceT), "\(loss.teacherCE) vs \(ceT)")
        #expect(abs(loss.studentCE - ceS) < 1e-4 * max(1, ceS), "\(loss.studentCE) vs \(ceS)")
        #expect(abs(loss.distillation - distill) < 1e-4 * max(1, distill), "\(loss.distillation) vs \(distill)")
        let total = ceT + ceS + 20 * distill
        #expect(abs(Double(loss.total.item) - total) < 1e-4 * max(1, total))
        #expect(distill > 0 && loss.latentNorms.count == n)
    }

    @Test func theSharedPrefixPassGivesTheGradientOfTheWholeLoss() throws {
        // One prefix pass feeds the teacher (through a copy of its cache) and the student: the
        // gradient must be the sum of both continuations' — checked against finite differences.
        // The distances hold the teacher's states fixed (stop-gradient), which finite differences
        // cannot, so they are off here; their values are checked against references above.
        let (data, tokenizer, model) = try Self.setup(3, layers: 1)
        let examples = data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: 2) }
        let batch = DistillationBatch(examples, tokenizer: tokenizer, stepSupervision: true)
        let base = model.base
        let report = GradCheck.check([base.blocks[0].key, base.blocks[0].value], epsilon: 3e-3,
                                     absoluteTolerance: 3e-3, relativeTolerance: 3e-2) {
            try! DistillationLoss.compute(model: model, batch: batch, distillWeight: 0, stepWeight: 0.5).total
        }
        #expect(report.passed && report.checked > 0, "\(report)")
    }

    @Test func teacherPositionsMapToTheRestOrThePrefixEnd() throws {
        let (data, tokenizer, _) = try Self.setup()
        let examples = data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: 1) }
        let shared = DistillationBatch(examples, tokenizer: tokenizer).shared
        let p0 = examples[0].teacher.promptCount, width = shared.prefix.length, rest = shared.teacherRest.length
        #expect(shared.prefix.lengths == examples.map(\.teacher.promptCount))
        #expect(shared.teacherFirstTargets[1] == examples[1].teacher.ids[examples[1].teacher.promptCount])
        #expect(shared.place(row: 0, position: p0) == .rest(0))
        #expect(shared.place(row: 1, position: examples[1].teacher.promptCount + 2) == .rest(rest + 2))
        #expect(shared.place(row: 1, position: examples[1].teacher.promptCount - 1) == .prefixEnd(1))
        let rows = shared.stateRows([(0, p0 + 1), (1, examples[1].teacher.promptCount - 1), (0, p0)])
        #expect(rows.rest == [1, 0] && rows.prefix == [2 * width - 1] && rows.order == [0, 2, 1])
        // The rest's targets are the teacher's next tokens; padding carries none.
        let t1 = examples[1].teacher.ids, p1 = examples[1].teacher.promptCount
        #expect(Array(shared.teacherRestTargets[rest..<(rest + t1.count - p1 - 1)]) == Array(t1[(p1 + 1)...]))
        #expect(shared.teacherRestTargets[(rest + t1.count - p1 - 1)..<(2 * rest)].allSatisfy { $0 == ModelOps.ignoredTarget })
    }

    @Test func stepSupervisionRowsAndTargets() throws {
        let data = try Dataset.arith(n: 40, steps: 1...3, seed: 5)
        let tokenizer = Tokenizer(building: data)
        let one = try #require(data.first { $0.stepCount == 1 }), three = try #require(data.first { $0.stepCount == 3 })
        let examples = [one, three].map { DistillationExample($0, tokenizer: tokenizer, latentCount: 4) }
        #expect(examples[1].stepTokens.map { tokenizer.decode($0) } == three.steps)
        #expect(DistillationBatch(examples, tokenizer: tokenizer).stepTokens == nil, "built only when asked for")
        let batch = DistillationBatch(examples, tokenizer: tokenizer, stepSupervision: true)
        // Latent k (0-based) of example b is flat row k·2 + b; it decodes step min(k, steps − 1).
        #expect(batch.stepRows == [0, 1, 2, 3, 4, 5, 6, 7])
        let steps = try #require(batch.stepTokens)
        let expected = [0, 0, 0, 1, 0, 2, 0, 2].enumerated().map { r, i in examples[r % 2].stepTokens[i] }
        #expect(steps.batchSize == 8 && steps.length == expected.map(\.count).max()!)
        for (r, text) in expected.enumerated() {
            #expect(Array(steps.tokens[(r * steps.length)..<(r * steps.length + text.count)]) == text)
            #expect(batch.stepTargets[r] == text[0])
            let targets = batch.stepTargets[(8 + r * steps.length)..<(8 + (r + 1) * steps.length)]
            #expect(Array(targets.prefix(text.count - 1)) == Array(text.dropFirst()))
            #expect(targets.dropFirst(text.count - 1).allSatisfy { $0 == ModelOps.ignoredTarget })
        }
        // No latent steps, no rows.
        let none = DistillationBatch([DistillationExample(three, tokenizer: tokenizer, latentCount: 0)], tokenizer: tokenizer,
                                     stepSupervision: true)
        #expect(none.stepTokens == nil && none.stepRows.isEmpty)
    }

    @Test func stepLossMatchesAReferenceAndItsGradientChecks() throws {
        let (data, tokenizer, model) = try Self.setup()
        let n = 2
        let examples = data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: n) }
        let batch = DistillationBatch(examples, tokenizer: tokenizer, stepSupervision: true)
        let plain = try DistillationLoss.compute(model: model, batch: batch)
        let loss = try DistillationLoss.compute(model: model, batch: batch, stepWeight: 0.5)
        #expect(plain.stepCE == 0 && loss.stepCE > 0)
        #expect(abs(Double(loss.total.item) - Double(plain.total.item) - 0.5 * loss.stepCE) < 1e-4 * max(1, loss.stepCE))
        // Reference: each latent input by repeated full forwards, each step decoded in one pass.
        let base = model.base, v = tokenizer.count, d = 16
        var terms: [Double] = []
        try Autograd.withoutGrad {
            for e in examples {
                let s = e.student.ids
                var inputs = base.embed(Array(s[0...e.student.promptCount]), shape: [e.student.promptCount + 1]).scalars
                for k in 0..<n {
                    let len = inputs.count / d
                    let h = try base.forward(embeddings: Tensor(inputs, shape: [1, len, d]), starts: [0]).hidden
                    let x = model.filter(Tensor(Array(h.scalars[((len - 1) * d)...]), shape: [1, d])).scalars
                    inputs += x
                    let text = e.stepTokens[min(k, e.stepCount - 1)]
                    let row = x + base.embed(Array(text.dropLast()), shape: [text.count - 1]).scalars
                    let logits = try base.forward(embeddings: Tensor(row, shape: [1, text.count, d]), starts: [0]).logits.scalars
                    for i in 0..<text.count {
                        terms.append(maskedCE(logits[(i * v)..<((i + 1) * v)], target: text[i], binary: false, tokenizer: tokenizer))
                    }
                }
            }
        }
        let reference = terms.reduce(0, +) / Double(terms.count)
        #expect(abs(loss.stepCE - reference) < 1e-4 * max(1, reference), "\(loss.stepCE) vs \(reference)")
        // Finite differences through the decoding pass, into the latent inputs and the weights.
        var rng = SplitMix64(seed: 9)
        let inputs = Tensor.randomNormal([n * batch.size, d], rng: &rng)
        let steps = try #require(batch.stepTokens)
        let report = GradCheck.check([inputs, base.blocks[0].query], epsilon: 1e-2, absoluteTolerance: 2e-3, relativeTolerance: 3e-2) {
            try! DistillationLoss.stepLoss(model: model, inputs: inputs, rows: batch.stepRows, steps: steps, targets: batch.stepTargets).0
        }
        #expect(report.passed && report.checked > 0, "\(report)")
    }

    @Test func curriculumStagesWriteTheLaterStepsThenGoAllLatent() throws {
        let (data, tokenizer, model) = try Self.setup(8, layers: 1)
        #expect(data.map(\.stepCount).max() == 2)
        var p = DistillationTests.shortRun(steps: 8)
        p.curriculum = 0.5
        p.stepWeight = 1
        let run = try DistillationTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p)
        // K = 2: stage 1 (the second step written out) for half the run, then all latent (stage 2).
        #expect(run.metrics["stage"] == [1, 1, 1, 1, 2, 2, 2, 2])
        #expect(run.metrics["step_ce"]!.allSatisfy { $0 > 0 })
        p.curriculum = 1
        #expect(throws: TrainingError.self) { try p.validate() }
    }

    /// A curriculum stage is a new objective: its first losses are not compared with the old
    /// stage's median (a run of 2026-11-27 rolled back twice, halving the rate each time).
    @Test func aStageChangeIsNotASpike() throws {
        let (data, tokenizer, _) = try Self.setup(8, layers: 1)
        var p = guardParameters(steps: 10)
        p.latent = .fixed(2)
        p.curriculum = 0.5  // K = 2: stage 1 for steps 1…5, all latent from step 6
        // From the stage change on, every loss is 100× — as if the new objective were far harder.
        let (_, _, model) = try Self.setup(8, layers: 1)
        let run = try DistillationTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p,
                                                onEvent: { _ in .continue }, lossOverride: { $0 >= 6 ? $1 * 100 : $1 })
        #expect(run.metrics["stage"] == [1, 1, 1, 1, 1, 2, 2, 2, 2, 2])
        #expect(run.metrics["spike_step"] == [])
        #expect(run.metrics["rollback_step"] == [])
        // Without a stage change, the same jump is three spikes in a row and a rollback.
        p.curriculum = 0
        let (_, _, plain) = try Self.setup(8, layers: 1)
        let run2 = try DistillationTrainer.train(model: plain, tokenizer: tokenizer, data: data, parameters: p,
                                                 onEvent: { _ in .continue }, lossOverride: { $0 >= 6 ? $1 * 100 : $1 })
        #expect(run2.metrics["rollback_step"]?.isEmpty == false)
    }

    @Test func batchesHoldOneLatentCount() throws {
        let data = try Dataset.arith(n: 60, steps: 1...4, seed: 3)
        let tokenizer = Tokenizer(building: data)
        let examples = data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: LatentCountTarget.byStep.count(for: $0, tokenizer: tokenizer)) }
        #expect(Set(examples.map(\.latentCount)).count > 1)
        let plan = DistillationTrainer.plan(examples, batchSize: 8, batchesPerChunk: 2, epoch: 0, seed: 1)
        #expect(plan.flatMap { $0 }.sorted() == Array(0..<60))
        for batch in plan { #expect(Set(batch.map { examples[$0].latentCount }).count == 1) }
        #expect(examples.allSatisfy { $0.latentCount == min(10, $0.stepCount + 5) })
    }

    func guardParameters(steps: Int) -> DistillationTrainer.Parameters {
        var p = DistillationTrainer.Parameters()
        p.latent = .fixed(1)
        p.batchSize = 4
        p.maximumSteps = steps
        p.epochs = 100
        p.optimizer.warmupSteps = 0
        p.optimizer.minimumLearningRateFraction = 1
        p.optimizer.learningRate = 3e-3
        p.divergenceGuard?.snapshotInterval = 5
        p.divergenceGuard?.spikeWindow = 3
        p.divergenceGuard?.spikeFactor = 3
        return p
    }

    /// Late in a run a batch of 1-step problems has several times the loss of the median batch;
    /// against one median for all batches a quarter of them were spikes and healthy runs were
    /// rolled back to death (measured 2026-12-05). Each kind of batch has its own median.
    @Test func spikesAreJudgedAgainstBatchesOfTheirKind() throws {
        let (_, _, model) = try Self.setup(8, layers: 1)
        var settings = DivergenceGuardSettings()
        settings.spikeWindow = 4
        let optimizer = DistillationTrainer.Parameters().optimizer.adamW(model.parameters())
        var guardState = DivergenceGuard(weights: model.parameters(), optimizer: optimizer, settings: settings)
        // Kind 1 runs at ~1.0, kind 4 at ~0.1: ten times apart, both healthy.
        for i in 0..<8 {
            for (kind, level) in [(1, 1.0), (4, 0.1)] {
                let loss = level * (1 + 0.01 * Double(i))
                #expect(guardState.judge(loss, kind: kind) == .apply)
                guardState.record(loss, kind: kind, appliedSteps: 2 * i + kind)
            }
        }
        #expect(abs(guardState.recentMedian(kind: 4)! - 0.1055) < 1e-9)
        // Three 1-step batches in a row at their usual level: no spike, though each is 10× the
        // 4-step median (the old rule's three spikes and a rollback).
        for _ in 0..<3 { #expect(guardState.judge(1.05, kind: 1) == .apply); guardState.record(1.05, kind: 1, appliedSteps: 20) }
        // A kind not seen before has no median yet: never a spike.
        #expect(guardState.judge(50, kind: 2) == .apply)
        // A real jump shows in every kind: spikes, and the third in a row rolls back.
        #expect(guardState.judge(20, kind: 1) == .spike)
        #expect(guardState.judge(2, kind: 4) == .spike)
        #expect(guardState.judge(30, kind: 1) == .rollBack)
    }

    @Test func divergenceGuardRollsBack() throws {
        let (data, tokenizer, reference) = try Self.setup(8, layers: 1)
        _ = try DistillationTrainer.train(model: reference, tokenizer: tokenizer, data: data, parameters: guardParameters(steps: 5))
        // NaN at step 8: steps 6 and 7 are undone, the weights are those after step 5.
        let (_, _, model) = try Self.setup(8, layers: 1)
        let run = try DistillationTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: guardParameters(steps: 8),
                                                onEvent: { _ in .continue }, lossOverride: { $0 == 8 ? .nan : $1 })
        #expect(run.metrics["rollback_step"] == [8])
        #expect(run.losses.count == 7)
        for (a, b) in zip(reference.parameters(), model.parameters()) { #expect(a.scalars == b.scalars) }
        // A lone spike (> 3 × the median of the last 3 losses here) is applied and noted: no
        // rollback, the rate unchanged.
        let (_, _, spiky) = try Self.setup(8, layers: 1)
        let run2 = try DistillationTrainer.train(model: spiky, tokenizer: tokenizer, data: data, parameters: guardParameters(steps: 9),
                                                 onEvent: { _ in .continue }, lossOverride: { $0 == 7 ? $1 * 100 : $1 })
        #expect(run2.metrics["spike_step"] == [7])
        #expect(run2.metrics["rollback_step"] == [])
        #expect(run2.losses.count == 9)
        #expect(run2.metrics["lr"]!.allSatisfy { abs($0 - 3e-3) < 1e-9 })
        // Three spikes in a row: the first two are applied, the third rolls back and halves the rate.
        let (_, _, diverging) = try Self.setup(8, layers: 1)
        let run3 = try DistillationTrainer.train(model: diverging, tokenizer: tokenizer, data: data, parameters: guardParameters(steps: 11),
                                                 onEvent: { _ in .continue }, lossOverride: { (6...8).contains($0) ? $1 * 100 : $1 })
        #expect(run3.metrics["spike_step"] == [6, 7])
        #expect(run3.metrics["rollback_step"] == [8])
        let lr = run3.metrics["lr"]!
        #expect(lr.count == 10 && abs(lr.last! - 1.5e-3) < 1e-9 && abs(lr.first! - 3e-3) < 1e-9)
        // Too many rollbacks: a clear error.
        var p = guardParameters(steps: 4)
        p.divergenceGuard?.maximumRollbacks = 1
        let (_, _, doomed) = try Self.setup(8, layers: 1)
        #expect(throws: TrainingError.self) {
            try DistillationTrainer.train(model: doomed, tokenizer: tokenizer, data: data, parameters: p,
                                          onEvent: { _ in .continue }, lossOverride: { $0 >= 2 ? .nan : $1 })
        }
    }

    @Test func rollbacksInARowStepFurtherBack() throws {
        let (data, tokenizer, reference) = try Self.setup(8, layers: 1)
        _ = try DistillationTrainer.train(model: reference, tokenizer: tokenizer, data: data, parameters: guardParameters(steps: 5))
        // Copies after 5 and 10 applied steps; NaN at 12 restores the copy after 10, NaN again at
        // 13 (no new copy between) drops it and restores the one after 5.
        let (_, _, model) = try Self.setup(8, layers: 1)
        let run = try DistillationTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: guardParameters(steps: 13),
                                                onEvent: { _ in .continue }, lossOverride: { (12...13).contains($0) ? .nan : $1 })
        #expect(run.metrics["rollback_step"] == [12, 13])
        #expect(run.metrics["spike_step"] == [])
        #expect(run.losses.count == 11)
        for (a, b) in zip(reference.parameters(), model.parameters()) { #expect(a.scalars == b.scalars) }
        // With one copy kept the second rollback restores the same copy: the weights after 10.
        let (_, _, ten) = try Self.setup(8, layers: 1)
        _ = try DistillationTrainer.train(model: ten, tokenizer: tokenizer, data: data, parameters: guardParameters(steps: 10))
        var p = guardParameters(steps: 13)
        p.divergenceGuard?.snapshotsKept = 1
        let (_, _, single) = try Self.setup(8, layers: 1)
        _ = try DistillationTrainer.train(model: single, tokenizer: tokenizer, data: data, parameters: p,
                                          onEvent: { _ in .continue }, lossOverride: { (12...13).contains($0) ? .nan : $1 })
        for (a, b) in zip(ten.parameters(), single.parameters()) { #expect(a.scalars == b.scalars) }
        // After a rollback the next copy waits for 5 clean steps: NaN at 7 restores the copy after
        // 5; the 10th applied step (step 11) is only 4 clean steps later, so no copy is taken
        // there, and NaN at 12, with no new copy since, goes one further back: to the start.
        // (Were a copy taken at the 10th applied step, it would be restored instead.)
        let (_, _, waiting) = try Self.setup(8, layers: 1)
        let run2 = try DistillationTrainer.train(model: waiting, tokenizer: tokenizer, data: data, parameters: guardParameters(steps: 12),
                                                 onEvent: { _ in .continue }, lossOverride: { $0 == 7 || $0 == 12 ? .nan : $1 })
        #expect(run2.metrics["rollback_step"] == [7, 12])
        let (_, _, start) = try Self.setup(8, layers: 1)
        for (a, b) in zip(start.parameters(), waiting.parameters()) { #expect(a.scalars == b.scalars) }
        var bad = guardParameters(steps: 2)
        bad.divergenceGuard?.snapshotsKept = 0
        #expect(throws: TrainingError.self) { try bad.validate() }
    }

    @Test func distillLearnsAndEvaluates() throws {
        let (data, tokenizer, model) = try Self.setup(8, layers: 1)
        var p = DistillationTrainer.Parameters()
        p.latent = .fixed(2)
        p.batchSize = 8
        p.epochs = 12
        p.optimizer.warmupSteps = 2
        p.optimizer.learningRate = 1e-2
        var events = 0
        let run = try DistillationTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p) { event in
            if case .step = event { events += 1 }
            return events == 10 ? .stop : .continue
        }
        #expect(run.steps == 10 && run.interrupted)
        #expect(run.losses.last! < run.losses.first!, "\(run.losses)")
        #expect(run.metrics["latent_norm_by_step"]?.count == 2)
        let eval = try LatentEvaluator.evaluate(model: model, tokenizer: tokenizer, data: data, policy: .forced(3), batchSize: 3)
        #expect(eval.latentSteps == [Int](repeating: 3, count: 8))
        #expect(eval.result.lengths == [Int](repeating: 5, count: 8))
        #expect(eval.result.outputs.count == 8)
        // A stop asked for during the second batch's latent steps keeps the first batch only.
        var batchesDone = 0, checks = 0
        let cut = try LatentEvaluator.evaluate(model: model, tokenizer: tokenizer, data: data, policy: .forced(3), batchSize: 3,
                                               onProgress: { _, _ in batchesDone += 1; return .continue },
                                               shouldStop: { checks += 1; return batchesDone == 1 })
        #expect(cut.result.outputs.count == 3 && cut.latentSteps == [3, 3, 3] && batchesDone == 1)
        #expect(checks > 4, "asked between the first batch's decoding steps (\(checks) checks)")
        let adaptive = try LatentEvaluator.evaluate(model: model, tokenizer: tokenizer, data: data, policy: .adaptive(cap: 4))
        #expect(adaptive.result.lengths == adaptive.latentSteps.map { $0 + 2 })
        let trace = try LatentEvaluator.solve(model: model, tokenizer: tokenizer, question: data[0].question)
        #expect(trace.steps.count == trace.latentSteps + 1 && trace.steps.allSatisfy { $0.topTokens.count == 3 })
        #expect(trace.reasoningLength == trace.latentSteps + 2)
        let sweep = try LatentEvaluator.sweep(model: model, tokenizer: tokenizer, data: data, counts: 0...2)
        #expect(sweep.map(\.count) == [0, 1, 2])
    }
}

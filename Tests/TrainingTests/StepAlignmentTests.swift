import Datasets
import Models
import TensorCore
import Testing
@testable import Training

/// Where step supervision puts each reasoning step on the latent steps, and the teacher pass
/// that is skipped when nothing uses it.
@Suite struct StepAlignmentTests {
    /// The 1-based latent inputs that decode each 1-based step, for `count` latents and `steps` steps.
    func placement(_ a: StepAlignment, count: Int, steps: Int) -> [Int: Int] {
        var out: [Int: Int] = [:]
        for k in 0..<count { if let s = a.step(latent: k, of: count, steps: steps) { out[k + 1] = s + 1 } }
        return out
    }

    /// A 1-step and a 3-step example of one small dataset, tokenized with `latentCount` latents.
    func oneAndThreeSteps(latentCount: Int) throws -> (Tokenizer, [DistillationExample]) {
        let data = try Dataset.arith(n: 40, steps: 1...3, seed: 5)
        let tokenizer = Tokenizer(building: data)
        let one = try #require(data.first { $0.stepCount == 1 }), three = try #require(data.first { $0.stepCount == 3 })
        return (tokenizer, [one, three].map { DistillationExample($0, tokenizer: tokenizer, latentCount: latentCount) })
    }

    /// Row r of the step batch starts with `expected[r]`.
    func expectRows(_ steps: TokenBatch, _ expected: [[Int]], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(steps.batchSize == expected.count, sourceLocation: sourceLocation)
        for (r, text) in expected.enumerated() {
            #expect(Array(steps.tokens[(r * steps.length)..<(r * steps.length + text.count)]) == text, sourceLocation: sourceLocation)
        }
    }

    @Test func nextDecodesStepKThenRepeatsTheLast() {
        #expect(placement(.next, count: 6, steps: 4) == [1: 1, 2: 2, 3: 3, 4: 4, 5: 4, 6: 4])
        #expect(placement(.next, count: 6, steps: 1) == [1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1])
        #expect(placement(.next, count: 0, steps: 2).isEmpty)
    }

    @Test func spreadPutsStepJAtTheCeilingOfNJOverSAndTheLastStepLast() {
        #expect(placement(.spread, count: 6, steps: 1) == [6: 1])
        #expect(placement(.spread, count: 6, steps: 2) == [3: 1, 6: 2])
        #expect(placement(.spread, count: 6, steps: 3) == [2: 1, 4: 2, 6: 3])
        #expect(placement(.spread, count: 6, steps: 4) == [2: 1, 3: 2, 5: 3, 6: 4])
        #expect(placement(.spread, count: 4, steps: 4) == [1: 1, 2: 2, 3: 3, 4: 4], "one latent per step: the same as next")
        // More steps than latents: a latent takes the first of the steps that land on it.
        #expect(placement(.spread, count: 2, steps: 3) == [1: 1, 2: 2])
        #expect(placement(.spread, count: 6, steps: 0).isEmpty)
    }

    @Test func writtenDecodesTheIntermediateStepsAndLeavesTheLastToTheAnswer() {
        #expect(placement(.written, count: 6, steps: 4) == [1: 1, 2: 2, 3: 3, 4: 3, 5: 3, 6: 3])
        #expect(placement(.written, count: 6, steps: 2) == [1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1])
        #expect(placement(.written, count: 6, steps: 1).isEmpty, "a 1-step example has no intermediate result")
        #expect(placement(.written, count: 2, steps: 4) == [1: 1, 2: 2])
        #expect(placement(.written, count: 0, steps: 3).isEmpty)
    }

    @Test func blocksGiveEachWrittenStepItsShareOfTheLatents() {
        #expect(placement(.blocks, count: 6, steps: 4) == [1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3])
        #expect(placement(.blocks, count: 6, steps: 3) == [1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2])
        #expect(placement(.blocks, count: 6, steps: 2) == placement(.written, count: 6, steps: 2), "one written step: every input holds it")
        #expect(placement(.blocks, count: 6, steps: 1).isEmpty, "a 1-step example has no intermediate result")
        #expect(placement(.blocks, count: 4, steps: 3) == [1: 1, 2: 1, 3: 2, 4: 2])
        // Fewer latents than written steps: input k holds step ⌊k·3 / 2⌋ and the third falls off.
        #expect(placement(.blocks, count: 2, steps: 4) == [1: 1, 2: 2])
        #expect(placement(.blocks, count: 0, steps: 3).isEmpty)
    }

    @Test func allBlocksPutEveryStepTheLastIncludedOnItsShareOfTheLatents() {
        #expect(placement(.allBlocks, count: 6, steps: 4) == [1: 1, 2: 1, 3: 2, 4: 3, 5: 3, 6: 4])
        #expect(placement(.allBlocks, count: 6, steps: 3) == [1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3])
        #expect(placement(.allBlocks, count: 6, steps: 2) == [1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2])
        #expect(placement(.allBlocks, count: 6, steps: 1) == placement(.next, count: 6, steps: 1), "one step: every input holds it")
        #expect(placement(.allBlocks, count: 4, steps: 4) == placement(.next, count: 4, steps: 4), "one latent per step: the same as next")
        // Fewer latents than steps: the last input still holds the answer.
        #expect(placement(.allBlocks, count: 2, steps: 4) == [1: 1, 2: 4])
        #expect(placement(.allBlocks, count: 0, steps: 3).isEmpty)
        #expect(placement(.allBlocks, count: 6, steps: 0).isEmpty)
    }

    @Test func endsPutEachWrittenStepOnTheLastInputOfItsBlock() {
        #expect(placement(.ends, count: 6, steps: 4) == [2: 1, 4: 2, 6: 3])
        #expect(placement(.ends, count: 6, steps: 3) == [3: 1, 6: 2])
        #expect(placement(.ends, count: 6, steps: 2) == [6: 1], "one written step: five free passes, then its result")
        #expect(placement(.ends, count: 6, steps: 1).isEmpty, "a 1-step example has no intermediate result")
        #expect(placement(.ends, count: 3, steps: 4) == placement(.written, count: 3, steps: 4), "one latent per written step")
        // Fewer latents than written steps: a latent takes the first step that lands on it.
        #expect(placement(.ends, count: 2, steps: 4) == [1: 1, 2: 2])
        #expect(placement(.ends, count: 0, steps: 3).isEmpty)
        // Every written step sits on the last input of the block "blocks" gives it.
        for steps in 2...4 {
            let blocks = placement(.blocks, count: 6, steps: steps)
            let lastOfBlock = Dictionary(blocks.map { ($1, $0) }, uniquingKeysWith: max)
            #expect(placement(.ends, count: 6, steps: steps) == Dictionary(uniqueKeysWithValues: lastOfBlock.map { ($1, $0) }))
        }
    }

    @Test func spreadWrittenIsSpreadWithoutItsLastStep() {
        #expect(placement(.spreadWritten, count: 6, steps: 4) == [2: 1, 3: 2, 5: 3])
        #expect(placement(.spreadWritten, count: 6, steps: 3) == [2: 1, 4: 2])
        #expect(placement(.spreadWritten, count: 6, steps: 2) == [3: 1], "the inputs after the written result are free")
        #expect(placement(.spreadWritten, count: 6, steps: 1).isEmpty)
        for count in [2, 4, 6, 10] {
            for steps in 2...5 {
                let spread = placement(.spread, count: count, steps: steps).filter { $0.value < steps }
                #expect(placement(.spreadWritten, count: count, steps: steps) == spread, "count \(count), steps \(steps)")
            }
        }
    }

    @Test func chunksCutTheWrittenTokensIntoEvenRuns() {
        func runs(count: Int, written: Int) -> [Range<Int>?] {
            (0..<count).map { StepAlignment.chunk(latent: $0, of: count, written: written) }
        }
        #expect(runs(count: 6, written: 12) == [0..<2, 2..<4, 4..<6, 6..<8, 8..<10, 10..<12])
        #expect(runs(count: 3, written: 7) == [0..<2, 2..<4, 4..<7], "runs differ by at most one token")
        #expect(runs(count: 6, written: 4) == [nil, 0..<1, 1..<2, nil, 2..<3, 3..<4], "fewer tokens than latents: some inputs are free")
        #expect(runs(count: 6, written: 0) == [nil, nil, nil, nil, nil, nil])
        #expect(StepAlignment.chunk(latent: 6, of: 6, written: 12) == nil)
        // Through `target`: the written steps (all but the last) concatenated, then cut.
        let steps = [[1, 2, 3], [4, 5], [6, 7, 8, 9]]
        #expect((0..<2).map { StepAlignment.chunks.target(latent: $0, of: 2, steps: steps)?.tokens } == [[1, 2], [3, 4, 5]])
        #expect(StepAlignment.chunks.target(latent: 0, of: 2, steps: steps)?.step == nil)
        #expect(StepAlignment.chunks.target(latent: 0, of: 2, steps: [[1, 2]]) == nil, "a 1-step example's inputs are free")
        #expect(StepAlignment.written.target(latent: 1, of: 2, steps: steps)?.tokens == [4, 5])
        #expect(StepAlignment.written.target(latent: 1, of: 2, steps: steps)?.step == 1)
    }

    @Test func aChunkBatchDecodesRunsOfTheWrittenChain() throws {
        let (tokenizer, examples) = try oneAndThreeSteps(latentCount: 2)
        let batch = DistillationBatch(examples, tokenizer: tokenizer, stepSupervision: true, alignment: .chunks)
        // Only the 3-step example (b = 1) has written steps: flat rows (k − 1)·2 + 1.
        #expect(batch.stepRows == [1, 3])
        let written = examples[1].stepTokens[0] + examples[1].stepTokens[1]
        let half = written.count / 2
        let steps = try #require(batch.stepTokens)
        expectRows(steps, [Array(written[..<half]), Array(written[half...])])
        // The written chain is the teacher's CoT text without its last step, token for token.
        let teacher = examples[1].teacher.ids
        #expect(teacher.indices.contains { Array(teacher[$0...].prefix(written.count)) == written })
        #expect(batch.stepAnchors.isEmpty, "runs of tokens have no per-step hidden-state anchors")
    }

    @Test func aWrittenBatchSkipsOneStepExamplesAndTheLastStep() throws {
        let (tokenizer, examples) = try oneAndThreeSteps(latentCount: 3)
        let batch = DistillationBatch(examples, tokenizer: tokenizer, stepSupervision: true, alignment: .written)
        // Flat row (k − 1)·2 + b: only the 3-step example (b = 1), steps 1, 2, 2 at latents 1, 2, 3.
        #expect(batch.stepRows == [1, 3, 5])
        let steps = try #require(batch.stepTokens)
        let expected = [examples[1].stepTokens[0], examples[1].stepTokens[1], examples[1].stepTokens[1]]
        expectRows(steps, expected)
        // Its step anchors are the teacher's written steps (the last one is dropped).
        #expect(batch.stepAnchors.map(\.pass) == [-1, 0])
    }

    @Test func aSpreadBatchBuildsRowsOnlyForTheChosenLatents() throws {
        let (tokenizer, examples) = try oneAndThreeSteps(latentCount: 6)
        let batch = DistillationBatch(examples, tokenizer: tokenizer, stepSupervision: true, alignment: .spread)
        // Flat row (k − 1)·2 + b: the 3-step example (b = 1) at latents 2, 4, 6; the 1-step one (b = 0) at 6.
        #expect(batch.stepRows == [3, 7, 10, 11])
        let steps = try #require(batch.stepTokens)
        let expected = [examples[1].stepTokens[0], examples[1].stepTokens[1], examples[0].stepTokens[0], examples[1].stepTokens[2]]
        expectRows(steps, expected)
        for (r, text) in expected.enumerated() { #expect(batch.stepTargets[r] == text[0]) }
    }

    @Test func withoutTeacherWeightsTheTeacherPassIsSkipped() throws {
        let (data, tokenizer, model) = try DistillationTests.setup()
        let examples = data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: 2) }
        let batch = DistillationBatch(examples, tokenizer: tokenizer, stepSupervision: true)
        let full = try DistillationLoss.compute(model: model, batch: batch, stepWeight: 1)
        let student = try DistillationLoss.compute(model: model, batch: batch, distillWeight: 0, teacherWeight: 0, stepWeight: 1)
        #expect(full.teacherCE > 0 && full.distillation > 0)
        #expect(student.teacherCE == 0 && student.distillation == 0)
        // The student's terms do not depend on the teacher pass.
        #expect(abs(student.studentCE - full.studentCE) < 1e-6 && abs(student.stepCE - full.stepCE) < 1e-6)
        #expect(abs(Double(student.total.item) - student.studentCE - student.stepCE) < 1e-4)
        // With the teacher's cross-entropy weighted, the pass runs again (its distance is reported, unweighted).
        let teacherOnly = try DistillationLoss.compute(model: model, batch: batch, distillWeight: 0, teacherWeight: 1)
        #expect(abs(teacherOnly.teacherCE - full.teacherCE) < 1e-6 && abs(teacherOnly.distillation - full.distillation) < 1e-6)
    }
}

/// Per-step hidden-state alignment (`step_distill`): where the teacher computes each result, and
/// the distance against an independent computation.
@Suite struct StepDistillationTests {
    @Test func theTeacherAnchorPredictsEachStepsFirstResultDigit() throws {
        let data = try Dataset.arith(n: 30, steps: 2...3, seed: 4)
        let tokenizer = Tokenizer(building: data)
        for example in [data[0], try data.resultsOnly()[0]] {
            let e = DistillationExample(example, tokenizer: tokenizer, latentCount: 4, dropLastStep: false)
            #expect(e.teacherStepAnchors.count == example.stepCount)
            for (j, anchor) in e.teacherStepAnchors.enumerated() {
                let result = example.steps[j].split(separator: "=").last!.filter(\.isNumber)
                #expect(tokenizer.token(of: e.teacher.ids[anchor + 1]) == String(result.first!), "step \(j + 1) of \(example.steps)")
            }
            // The teacher without its last step has anchors for the written steps only.
            let dropped = DistillationExample(example, tokenizer: tokenizer, latentCount: 4)
            #expect(dropped.teacherStepAnchors == Array(e.teacherStepAnchors.dropLast()))
        }
    }

    @Test func theDistanceMatchesAReferenceComputation() throws {
        let (data, tokenizer, model) = try DistillationTests.setup()
        let n = 2
        let examples = data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: n, dropLastStep: false) }
        let batch = DistillationBatch(examples, tokenizer: tokenizer, stepSupervision: true)
        #expect(!batch.stepAnchors.isEmpty)
        let plain = try DistillationLoss.compute(model: model, batch: batch)
        let loss = try DistillationLoss.compute(model: model, batch: batch, stepDistillWeight: 2)
        #expect(plain.stepDistillation == 0 && loss.stepDistillation > 0)
        #expect(abs(Double(loss.total.item) - Double(plain.total.item) - 2 * loss.stepDistillation) < 1e-4 * max(1, loss.stepDistillation))
        // Reference: step j's teacher state at its anchor against the student's state at the
        // position whose output becomes the latent input that decodes step j (next alignment:
        // input j − 1, made by the prompt's last position for j = 1, by latent j − 1 after).
        let base = model.base, d = 16
        var teacher: [[Float]] = [], student: [[Float]] = []
        try Autograd.withoutGrad {
            for e in examples {
                let t = e.teacher.ids
                let s = e.student.ids
                var inputs = base.embed(Array(s[0...e.student.promptCount]), shape: [e.student.promptCount + 1]).scalars
                var states: [[Float]] = []
                for _ in 0..<n {
                    let len = inputs.count / d
                    let out = try base.forward(embeddings: Tensor(inputs, shape: [1, len, d]), starts: [0], hiddenRows: [len - 1])
                    states.append(out.layerStates.flatMap(\.scalars))
                    inputs += model.filter(Tensor(Array(out.hidden.scalars[((len - 1) * d)...]), shape: [1, d])).scalars
                }
                for (j, anchor) in e.teacherStepAnchors.enumerated() where j < n {
                    let out = try base.forward(TokenBatch(rows: [Array(t.dropLast())], padID: 0), hiddenRows: [anchor])
                    teacher.append(out.layerStates.flatMap(\.scalars))
                    student.append(states[j])
                }
            }
        }
        #expect(teacher.count == batch.stepAnchors.count)
        let layers = model.base.blocks.count
        var reference = 0.0
        for l in 0..<layers {
            let block = (l * d)..<((l + 1) * d)
            reference += DistillationTests.scaledSmoothL1(student.flatMap { $0[block] }, teacher.flatMap { $0[block] }) / Double(layers)
        }
        #expect(abs(loss.stepDistillation - reference) < 1e-4 * max(1, reference), "\(loss.stepDistillation) vs \(reference)")
    }
}

import Datasets
import Models
import TensorCore
import Testing
@testable import Training

/// Mixed rows (`distill(…, mixed:)`): latents that stand for the first s steps, the later steps
/// written as text, and step supervision that places only the steps the latents stand for.
@Suite struct MixedRowsTests {
    /// A 4-step results-only example and its tokenizer.
    func fourSteps() throws -> (Tokenizer, Dataset, Example) {
        let data = try Dataset.arith(n: 40, steps: 1...4, seed: 5).resultsOnly()
        let tokenizer = Tokenizer(building: data)
        return (tokenizer, data, try #require(data.first { $0.stepCount == 4 }))
    }

    @Test func placedKeepsTheStepsTheLatentsStandFor() {
        let steps = [[1], [2], [3], [4]]
        for a in [StepAlignment.next, .spread, .allBlocks] {
            #expect(a.placed(steps, standingFor: 2) == [[1], [2]], "\(a) puts every step it is given on a latent")
            #expect(a.placed(steps, standingFor: 0) == [])
        }
        for a in [StepAlignment.written, .blocks, .chunks, .ends, .spreadWritten] {
            #expect(a.placed(steps, standingFor: 2) == [[1], [2], [3]], "\(a) leaves the last step it is given to the text")
            #expect(a.placed(steps, standingFor: 0) == [[1]])
        }
        #expect(StepAlignment.blocks.placed(steps, standingFor: 9) == steps)
    }

    @Test func aMixedRowWritesTheLaterStepsAndSupervisesTheFirstOnes() throws {
        let (tokenizer, _, example) = try fourSteps()
        let all = DistillationExample(example, tokenizer: tokenizer, latentCount: 6)
        let mixed = DistillationExample(example, tokenizer: tokenizer, latentCount: 6, writtenFrom: 2)
        #expect(all.latentStepLimit == nil && mixed.latentStepLimit == 2)
        #expect(mixed.teacher == all.teacher, "the teacher text does not change")
        // The student writes steps 3 and 4 between <|STOP|> and the answer sentence.
        let stop = try #require(mixed.student.latentPositions).upperBound
        let written = (2..<4).flatMap { mixed.stepTokens[$0] }
        #expect(Array(mixed.student.ids[(stop + 1)...].prefix(written.count)) == written)
        // Under "blocks" its latents hold results 1, 1, 1, 2, 2, 2 (the first 2 of the 3 it is
        // given), where the all-latent row holds 1, 1, 2, 2, 3, 3.
        let batch = DistillationBatch([all, mixed], tokenizer: tokenizer, stepSupervision: true, alignment: .blocks)
        #expect(batch.stepRows == Array(0..<12))
        let rows = try #require(batch.stepTokens)
        let s = all.stepTokens
        let expected = [s[0], s[0], s[0], s[0], s[1], s[0], s[1], s[1], s[2], s[1], s[2], s[1]]
        for (r, text) in expected.enumerated() {
            #expect(Array(rows.tokens[(r * rows.length)..<(r * rows.length + text.count)]) == text, "row \(r)")
        }
        // The tail (from <END>) is longer by the written steps, and the answer anchor moves with them.
        #expect(batch.tail.lengths[1] == batch.tail.lengths[0] + written.count)
        #expect(batch.tailAnchors[1] - batch.tail.length == batch.tailAnchors[0] + written.count)
    }

    @Test func mixedRowsAreDrawnAfreshAtEveryStep() throws {
        let (tokenizer, data, _) = try fourSteps()
        let examples = data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: 6) }
        var p = DistillationTrainer.Parameters()
        let indices = Array(data.indices)
        #expect(DistillationTrainer.mixedRows(indices, data: data, examples: examples, tokenizer: tokenizer, parameters: p, step: 0).isEmpty)
        p.mixed = 1
        var standing: [Int: Set<Int>] = [:]
        for step in 0..<20 {
            let rows = DistillationTrainer.mixedRows(indices, data: data, examples: examples, tokenizer: tokenizer, parameters: p, step: step)
            // Every multi-step row is mixed, standing for 1…S − 1 of its steps; 1-step rows never.
            #expect(Set(rows.keys) == Set(indices.filter { data[$0].stepCount > 1 }))
            for (i, row) in rows {
                let limit = try #require(row.latentStepLimit)
                #expect((1..<data[i].stepCount).contains(limit))
                standing[i, default: []].insert(limit)
            }
            #expect(rows.keys.allSatisfy { rows[$0]!.latentCount == 6 })
        }
        #expect(standing.values.contains { $0.count > 1 }, "a row's s is drawn again at each step")
        // The same seed and step draw the same rows; half the rows on average at 0.5.
        p.mixed = 0.5
        let a = DistillationTrainer.mixedRows(indices, data: data, examples: examples, tokenizer: tokenizer, parameters: p, step: 3)
        let b = DistillationTrainer.mixedRows(indices, data: data, examples: examples, tokenizer: tokenizer, parameters: p, step: 3)
        #expect(a.mapValues(\.latentStepLimit) == b.mapValues(\.latentStepLimit))
        let multi = indices.filter { data[$0].stepCount > 1 }.count
        #expect(a.count > 0 && a.count < multi)
        // Too long for the model: the row stays all latent.
        #expect(DistillationTrainer.mixedRows(indices, data: data, examples: examples, tokenizer: tokenizer, parameters: p,
                                              step: 3, maximumLength: 8).isEmpty)
    }

    @Test func aMixedRunTrainsAndBadFractionsAreRefused() throws {
        let (data, tokenizer, model) = try DistillationTests.setup(8, layers: 1)
        #expect(data.contains { $0.stepCount > 1 })
        var p = DistillationTests.shortRun(steps: 4)
        p.stepWeight = 1
        p.stepAlignment = .blocks
        p.mixed = 1
        let run = try DistillationTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p)
        #expect(run.steps == 4 && run.losses.allSatisfy(\.isFinite))
        for bad in [-0.1, 1.5, .nan] {
            p.mixed = bad
            #expect(throws: TrainingError.self) { try p.validate() }
        }
    }
}

import Datasets
import Models
import TensorCore
import Testing
@testable import Training

/// Where step supervision puts each part of the chain on the latent steps: SIM-CoT's one step
/// per latent ("next") and runs of the written chain's tokens ("chunks").
@Suite struct StepAlignmentTests {
    /// The 1-based step that each 1-based latent input decodes under "next", for `count`
    /// latents and `steps` one-token steps.
    func placement(count: Int, steps: Int) -> [Int: Int] {
        let texts = (0..<steps).map { [$0 + 1] }
        var out: [Int: Int] = [:]
        for k in 0..<count { if let t = StepAlignment.next.target(latent: k, of: count, steps: texts) { out[k + 1] = t[0] } }
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
        #expect(placement(count: 6, steps: 4) == [1: 1, 2: 2, 3: 3, 4: 4, 5: 4, 6: 4])
        #expect(placement(count: 6, steps: 1) == [1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1])
        #expect(placement(count: 2, steps: 4) == [1: 1, 2: 2])
        #expect(placement(count: 0, steps: 2).isEmpty)
        #expect(placement(count: 6, steps: 0).isEmpty)
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
        #expect((0..<2).map { StepAlignment.chunks.target(latent: $0, of: 2, steps: steps) } == [[1, 2], [3, 4, 5]])
        #expect(StepAlignment.chunks.target(latent: 0, of: 2, steps: [[1, 2]]) == nil, "a 1-step example's inputs are free")
        #expect(StepAlignment.next.target(latent: 1, of: 2, steps: steps) == [4, 5])
    }

    @Test func placedKeepsTheStepsTheLatentsStandFor() {
        let steps = [[1], [2], [3], [4]]
        #expect(StepAlignment.next.placed(steps, standingFor: 2) == [[1], [2]], "next puts every step it is given on a latent")
        #expect(StepAlignment.next.placed(steps, standingFor: 0) == [])
        #expect(StepAlignment.chunks.placed(steps, standingFor: 2) == [[1], [2], [3]], "chunks leaves the last step it is given to the text")
        #expect(StepAlignment.chunks.placed(steps, standingFor: 0) == [[1]])
        #expect(StepAlignment.chunks.placed(steps, standingFor: 9) == steps)
    }

    @Test func aChunkBatchDecodesRunsOfTheWrittenChain() throws {
        let (tokenizer, examples) = try oneAndThreeSteps(latentCount: 2)
        let batch = DistillationBatch(examples, tokenizer: tokenizer, stepSupervision: true, alignment: .chunks)
        // Only the 3-step example (b = 1) has written steps: flat rows k·2 + 1.
        #expect(batch.stepRows == [1, 3])
        let written = examples[1].stepTokens[0] + examples[1].stepTokens[1]
        let half = written.count / 2
        let steps = try #require(batch.stepTokens)
        expectRows(steps, [Array(written[..<half]), Array(written[half...])])
        // The written chain is the teacher's CoT text without its last step, token for token.
        let teacher = examples[1].teacher.ids
        #expect(teacher.indices.contains { Array(teacher[$0...].prefix(written.count)) == written })
    }

    @Test func aNextBatchDecodesEveryStepAndRepeatsTheLast() throws {
        let (tokenizer, examples) = try oneAndThreeSteps(latentCount: 3)
        let batch = DistillationBatch(examples, tokenizer: tokenizer, stepSupervision: true, alignment: .next)
        // Flat row k·2 + b: both examples at every latent; the 1-step one repeats its step.
        #expect(batch.stepRows == [0, 1, 2, 3, 4, 5])
        let steps = try #require(batch.stepTokens)
        let one = examples[0].stepTokens[0], three = examples[1].stepTokens
        let expected = [one, three[0], one, three[1], one, three[2]]
        expectRows(steps, expected)
        for (r, text) in expected.enumerated() { #expect(batch.stepTargets[r] == text[0]) }
    }

    /// A staged row (a curriculum stage: its latents stand for the first s steps, the later ones
    /// written as text) places only the steps its latents stand for.
    @Test func aStagedRowWritesTheLaterStepsAndSupervisesTheFirstOnes() throws {
        let data = try Dataset.arith(n: 40, steps: 1...4, seed: 5).resultsOnly()
        let tokenizer = Tokenizer(building: data)
        let example = try #require(data.first { $0.stepCount == 4 })
        let all = DistillationExample(example, tokenizer: tokenizer, latentCount: 6)
        let staged = DistillationExample(example, tokenizer: tokenizer, latentCount: 6, writtenFrom: 2)
        #expect(all.latentStepLimit == nil && staged.latentStepLimit == 2)
        #expect(staged.teacher == all.teacher, "the teacher text does not change")
        // The student writes steps 3 and 4 between <|STOP|> and the answer sentence.
        let stop = try #require(staged.student.latentPositions).upperBound
        let written = (2..<4).flatMap { staged.stepTokens[$0] }
        #expect(Array(staged.student.ids[(stop + 1)...].prefix(written.count)) == written)
        // Under "next" its latents hold steps 1, 2, 2, 2, 2, 2, where the all-latent row holds 1, 2, 3, 4, 4, 4.
        let batch = DistillationBatch([all, staged], tokenizer: tokenizer, stepSupervision: true, alignment: .next)
        #expect(batch.stepRows == Array(0..<12))
        let s = all.stepTokens
        expectRows(try #require(batch.stepTokens), [s[0], s[0], s[1], s[1], s[2], s[1], s[3], s[1], s[3], s[1], s[3], s[1]])
        // The tail (from <END>) is longer by the written steps, and the answer anchor moves with them.
        #expect(batch.tail.lengths[1] == batch.tail.lengths[0] + written.count)
        #expect(batch.tailAnchors[1] - batch.tail.length == batch.tailAnchors[0] + written.count)
    }
}

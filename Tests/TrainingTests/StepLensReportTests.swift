import Datasets
import Testing
@testable import Training

/// The step lens over a dataset: how a lens text and a step are read, and what counts.
@Suite struct StepLensReportTests {
    @Test func aStepsResultIsTheNumberAfterItsLastEquals() {
        #expect(StepLensReport.result(of: "<<74/2=37>>") == "37")
        #expect(StepLensReport.result(of: "<<37>>") == "37")
        #expect(StepLensReport.result(of: "<<1 2>>") == "12")
        #expect(StepLensReport.result(of: "16-3=13") == "13")
        #expect(StepLensReport.result(of: "<<>>") == nil && StepLensReport.result(of: "") == nil)
    }

    @Test func theChainIsTheIntermediateResultsInOrder() {
        let e = Example(question: "q", steps: ["<<2+3=5>>", "<<5*4=20>>", "<<20-1=19>>"], answer: "19")
        func observe(_ writes: [String], _ answer: String?) -> StepLensReport.Observation {
            StepLensReport.observe(e, writes: writes, answer: answer, correct: answer == "19")
        }
        let exact = observe(["<<5>>", "<<20>>", "<<19>>"], "19")
        #expect(exact == .init(correct: true, firstExact: true, chainExact: true, answerIsLastLatent: true))
        // Repeats and extra latents in between are allowed; order is not optional.
        #expect(observe(["<<5>>", "<<5>>", "<<7>>", "<<20>>"], "19").chainExact)
        #expect(!observe(["<<20>>", "<<5>>"], "19").chainExact)
        let off = observe(["<<6>>", "<<20>>", "<<20>>"], "20")
        #expect(off == .init(correct: false, firstExact: false, chainExact: false, answerIsLastLatent: true, firstWrong: 0))
        #expect(!observe([], nil).chainExact && !observe([], nil).answerIsLastLatent)
        // One step: no intermediate result, the chain always holds.
        let one = Example(question: "q", steps: ["<<2+3=5>>"], answer: "5")
        #expect(StepLensReport.observe(one, writes: [], answer: "5", correct: true).chainExact)
    }

    @Test func measureCountsEveryProblemOnceByStepCount() throws {
        let (data, tokenizer, model) = try DistillationTests.setup(5)
        let report = try StepLensReport.measure(model: model, tokenizer: tokenizer, data: data, policy: .forced(2))
        let all = try #require(report.rows.last)
        #expect(all.steps == nil && all.count == 5)
        #expect(report.rows.dropLast().map(\.count).reduce(0, +) == 5)
        #expect(report.rows.dropLast().map(\.steps!) == Array(Set(data.map(\.stepCount))).sorted())
        #expect(all.correctGivenChain <= all.chainExact && all.chainExact <= all.count)
        var stops = 0
        let partial = try StepLensReport.measure(model: model, tokenizer: tokenizer, data: data, policy: .forced(1)) { done, _ in
            stops += 1
            return done == 2 ? .stop : .continue
        }
        #expect(partial.rows.last?.count == 2 && stops == 2)
    }
}

/// The step lens of a "chunks" model: each latent writes a run of the written chain's tokens.
@Suite struct ChunkLensTests {
    let e = Example(question: "q", steps: ["<<2+3=5>>", "<<5*4=20>>", "<<20-1=19>>"], answer: "19")

    @Test func runsOfTheChainAreReadAsOneStream() {
        #expect(StepLensReport.results(writtenBy: ["<<", "5>><<2", "0>>"]) == ["5", "20"])
        #expect(StepLensReport.results(writtenBy: ["<<5>>", "<<5>>"]) == ["5", "5"])
        #expect(StepLensReport.results(writtenBy: ["<<5>><<2"]) == ["5", "2"], "an unclosed last result is read as far as it goes")
        #expect(StepLensReport.results(writtenBy: ["16-3=13", "7"]) == ["13", "7"], "texts without brackets are one result each")
        let o = StepLensReport.observe(e, writes: ["<<", "5>><<2", "0>>"], answer: "19", correct: true)
        #expect(o.chainExact && o.firstExact && o.firstWrong == nil)
    }

    @Test func theFirstMissedResultSaysWhereTheChainWentWrong() {
        #expect(StepLensReport.observe(e, writes: ["<<5", ">><<21>>"], answer: "20", correct: false).firstWrong == 1)
        #expect(StepLensReport.observe(e, writes: ["<<6", ">><<20>>"], answer: "19", correct: true).firstWrong == 0,
                "a chain whose first result is wrong misses it even if a later one appears")
    }
}

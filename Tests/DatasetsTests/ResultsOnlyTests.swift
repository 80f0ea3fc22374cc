import Foundation
import Testing
@testable import Datasets

@Suite("results_only: each calculator step cut down to its result")
struct ResultsOnlyTests {
    @Test func everyEquationKeepsOnlyItsResult() throws {
        let data = Dataset([
            Example(question: "q0?", steps: ["<<74/2=37>>", "<<37-29=8>>", "<<8/4=2>>"], answer: "2"),
            Example(question: "q1?", steps: ["<<12*3=36>>"], answer: "36"),
        ], source: "test")
        let cut = try data.resultsOnly()
        #expect(cut.map(\.steps) == [["<<37>>", "<<8>>", "<<2>>"], ["<<36>>"]])
        #expect(cut.map(\.question) == data.map(\.question))
        #expect(cut.map(\.answer) == data.map(\.answer))
        #expect(cut[0].cotText == "<<37>><<8>><<2>>")
        #expect(cut.source == "results_only(test)")
        // Applying it twice changes nothing more.
        #expect(try cut.resultsOnly() == cut)
    }

    @Test func theSplitOfTheCutDataMatchesTheOriginalSplit() throws {
        let data = try Dataset.arith(n: 200, steps: 1...4, max: 99, seed: 1)
        let cut = try data.resultsOnly()
        let a = try data.split(fraction: 0.9, seed: 0), b = try cut.split(fraction: 0.9, seed: 0)
        #expect(a.test.map(\.question) == b.test.map(\.question))
        for (full, short) in zip(data, cut) {
            #expect(full.stepCount == short.stepCount)
            for (step, result) in zip(full.steps, short.steps) {
                #expect(step.hasSuffix("=" + result.dropFirst(2)))
            }
        }
    }

    @Test func proseStepsAreRefusedWithTheExampleNamed() {
        let data = Dataset([
            Example(question: "q0?", steps: ["<<1+1=2>>"], answer: "2"),
            Example(question: "q1?", steps: ["She buys 3 more.", "<<2+3=5>>"], answer: "5"),
        ])
        #expect {
            try data.resultsOnly()
        } throws: { error in
            let text = String(describing: error)
            return text.contains("results_only") && text.contains("example 1") && text.contains("She buys 3 more.")
        }
    }

    @Test func anEquationWithNothingAfterItsEqualsSignIsRefused() {
        let data = Dataset([Example(question: "q?", steps: ["<<1+1=>>"], answer: "2")])
        #expect(throws: DatasetError.self) { try data.resultsOnly() }
    }
}

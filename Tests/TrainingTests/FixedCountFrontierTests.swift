import Datasets
import Testing
@testable import Training

/// The fixed-count frontier, its best single count, its per-difficulty oracle and the margin of a
/// policy over it, on hand-made points whose answers are known.
@Suite struct FixedCountFrontierTests {
    /// Two difficulties of 100 problems each; accuracies (easy, hard) per forced count 0…3.
    func frontier(_ accuracies: [(Double, Double)]) -> FixedCountFrontier {
        FixedCountFrontier(points: accuracies.enumerated().map { c, a in
            ForcedCountPoint(count: c, accuracy: (a.0 + a.1) / 2, byDifficulty: [(1, 100, a.0), (2, 100, a.1)])
        })
    }

    @Test func theOracleGivesEachDifficultyItsSmallestCountWithinOnePointOfItsBest() throws {
        // Easy problems are solved without latents; hard ones need 3 (2 is 0.5 point short: within tolerance).
        let f = frontier([(0.99, 0.10), (0.99, 0.30), (0.985, 0.595), (0.99, 0.60)])
        let oracle = try #require(f.oracle)
        #expect(oracle.countByDifficulty.map(\.count) == [0, 2])
        #expect(abs(oracle.point.meanLength - 3) < 1e-12)          // (2 + 4) / 2
        #expect(abs(oracle.point.accuracy - (0.99 + 0.595) / 2) < 1e-12)
        #expect(f.bestSingle?.count == 3)
    }

    @Test func theHullDropsCountsUnderTheSegmentOfTheirNeighboursAndStaysFlatPastTheBest() {
        // Count 1 (0.2) lies under the segment from count 0 (0.1) to count 2 (0.5): a mix of 0 and 2 beats it.
        let f = frontier([(0.1, 0.1), (0.2, 0.2), (0.5, 0.5), (0.4, 0.4)])
        #expect(f.hull.map(\.meanLength) == [2, 4])
        #expect(abs(f.accuracy(atLength: 3)! - 0.3) < 1e-12)
        #expect(abs(f.accuracy(atLength: 5)! - 0.5) < 1e-12, "past the best count the frontier is flat")
        #expect(f.accuracy(atLength: 1.5) == nil, "no fixed count is shorter than 2")
    }

    @Test func aPolicysMarginIsItsAccuracyOverTheFrontierAtItsOwnLength() {
        let f = frontier([(0.1, 0.1), (0.3, 0.3), (0.5, 0.5)])
        #expect(abs(f.margin(of: LengthAccuracy(meanLength: 3.5, accuracy: 0.45))! - 0.05) < 1e-12)
        #expect(abs(f.margin(of: LengthAccuracy(meanLength: 4, accuracy: 0.4))! + 0.1) < 1e-12)
    }
}

/// `latent: "by-chain-K"`: one latent per K tokens of the chain the teacher writes.
@Suite struct ByChainLatentCountTests {
    @Test func theCountFollowsTheWrittenChain() throws {
        let data = try Dataset.arith(n: 60, steps: 1...4, seed: 2).resultsOnly()
        let tokenizer = Tokenizer(building: data)
        for example in data {
            let written = example.stepTexts.dropLast().reduce(0) { $0 + tokenizer.encode($1).count }
            for k in [1, 3, 4] {
                let n = LatentCountTarget.byChain(tokensPerLatent: k).count(for: example, tokenizer: tokenizer)
                #expect(n == (written + k - 1) / k)
                if example.stepCount == 1 { #expect(n == 0, "a 1-step problem writes no chain") }
            }
        }
    }
}

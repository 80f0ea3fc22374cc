import Foundation
import Models
import Testing
@testable import Training

/// The paper's GRPO reward, advantages and k3 KL against hand-computed values.
@Suite struct GRPORewardTests {
    struct RewardCase: Sendable, CustomTestStringConvertible {
        var name: String
        var outcomes: [CompletionOutcome]
        var lengths: [Int]
        var settings = GRPOReward.Settings()
        var expected: [Double]
        var testDescription: String { name }
    }

    /// Worked by hand:
    /// - all correct, L = 8, 6, 4, 6: μ = 6, R = 4, share 1 ≥ cutoff → −1e-4·(L−6)/4.
    /// - mixed, correct L = 8 and 4 (μ 6, R 4), one wrong, one malformed: share ½ < 1 → +0.1·(L−6)/4.
    /// - the same group with cutoff ½: the penalty applies instead.
    /// - zero range: every correct sample has L = 8 → no length term.
    /// - one correct sample: its range is 0 → no length term; malformed is −1, wrong is 0.
    /// - all malformed: −1 each, lengths ignored.
    static let rewardCases: [RewardCase] = [
        RewardCase(name: "all correct", outcomes: [.correct, .correct, .correct, .correct], lengths: [8, 6, 4, 6],
                   expected: [0.99995, 1, 1.00005, 1]),
        RewardCase(name: "mixed group", outcomes: [.correct, .correct, .wrong, .malformed], lengths: [8, 4, 8, 18],
                   expected: [1.05, 0.95, 0, -1]),
        RewardCase(name: "mixed group, cutoff 0.5", outcomes: [.correct, .correct, .wrong, .malformed], lengths: [8, 4, 8, 18],
                   settings: GRPOReward.Settings(cutoff: 0.5), expected: [0.99995, 1.00005, 0, -1]),
        RewardCase(name: "zero range", outcomes: [.correct, .correct, .correct], lengths: [8, 8, 8], expected: [1, 1, 1]),
        RewardCase(name: "one correct", outcomes: [.correct, .malformed, .wrong], lengths: [3, 18, 5], expected: [1, -1, 0]),
        RewardCase(name: "all malformed", outcomes: [.malformed, .malformed, .malformed], lengths: [2, 9, 18], expected: [-1, -1, -1]),
        RewardCase(name: "custom penalty and bonus", outcomes: [.correct, .correct, .wrong], lengths: [2, 12, 2],
                   settings: GRPOReward.Settings(penalty: 1, bonus: 0.5), expected: [1 - 0.25, 1 + 0.25, 0]),
    ]

    @Test(arguments: rewardCases) func reward(_ c: RewardCase) {
        let r = GRPOReward.rewards(outcomes: c.outcomes, lengths: c.lengths, settings: c.settings)
        #expect(r.count == c.expected.count)
        for (got, want) in zip(r, c.expected) { #expect(abs(got - want) < 1e-12, "\(c.name): \(r) vs \(c.expected)") }
    }

    struct AdvantageCase: Sendable, CustomTestStringConvertible {
        var name: String
        var rewards: [Double]
        var epsilon = 1e-4
        var expected: [Double]
        var testDescription: String { name }
    }

    /// Unbiased std (÷ (G − 1)), as torch.std in TRL:
    /// - all correct [0.99995, 1, 1.00005, 1]: std = √(5e-9 / 3) = 4.0825e-5, so ±5e-5 / 1.40825e-4 = ±0.355051.
    /// - mixed [1.05, 0.95, 0, −1]: mean 0.25, std = √(2.755 / 3) = 0.958297.
    /// - [1, −1, 0]: std 1 → ±1/1.0001.
    static let advantageCases: [AdvantageCase] = [
        AdvantageCase(name: "all correct", rewards: [0.99995, 1, 1.00005, 1], expected: [-0.355051025721, 0, 0.355051025722, 0]),
        AdvantageCase(name: "mixed", rewards: [1.05, 0.95, 0, -1],
                      expected: [0.834727066017, 0.730386182765, -0.260852208130, -1.304261040651]),
        AdvantageCase(name: "three", rewards: [1, -1, 0], expected: [0.999900009999, -0.999900009999, 0]),
        AdvantageCase(name: "zero spread", rewards: [1, 1, 1, 1], expected: [0, 0, 0, 0]),
        AdvantageCase(name: "one sample", rewards: [1], expected: [0]),
        AdvantageCase(name: "epsilon 0", rewards: [1, -1], epsilon: 0, expected: [1 / 2.0.squareRoot(), -1 / 2.0.squareRoot()]),
    ]

    @Test(arguments: advantageCases) func advantages(_ c: AdvantageCase) {
        let a = GRPOReward.advantages(c.rewards, epsilon: c.epsilon)
        #expect(a.count == c.expected.count)
        for (got, want) in zip(a, c.expected) { #expect(abs(got - want) < 1e-9, "\(c.name): \(a) vs \(c.expected)") }
    }

    @Test func k3Estimator() {
        // d = ref − logp; k3 = e^d − d − 1.
        #expect(GRPOReward.k3(logProbability: log(0.5), reference: log(0.5)) == 0)
        #expect(abs(GRPOReward.k3(logProbability: log(0.5), reference: log(0.25)) - (0.5 + log(2) - 1)) < 1e-12)  // 0.193147
        #expect(abs(GRPOReward.k3(logProbability: log(0.25), reference: log(0.5)) - (2 - log(2) - 1)) < 1e-12)    // 0.306853
        #expect(abs(GRPOReward.k3(logProbability: -3, reference: -1) - (exp(2) - 3)) < 1e-12)
    }

    @Test func binaryEntropy() {
        #expect(abs(LatentModel.stopEntropy(continue: 0, stop: 0) - log(2)) < 1e-12)
        #expect(LatentModel.stopEntropy(continue: 1000, stop: -1000) == 0)
        let p = 1 / (1 + exp(-1.0))   // P(CONTINUE) for logits (1, 0)
        #expect(abs(LatentModel.stopEntropy(continue: 1, stop: 0) - (-p * log(p) - (1 - p) * log(1 - p))) < 1e-12)
    }

    @Test(arguments: [
        (" The answer is: 12", "12", CompletionOutcome.correct),
        (" The answer is: 12", "13", .wrong),
        ("  The answer is: 1,200", "1200", .correct),
        (" The answer is: 12 The answer is: 12", "12", .malformed),
        ("x The answer is: 12", "12", .malformed),
        (" the answer is: 12", "12", .malformed),
        (" The answer is", "12", .malformed),
        ("", "12", .malformed),
        (" The answer is: none", "12", .wrong),
    ])
    func formatCheckAndCorrectness(_ text: String, _ label: String, _ expected: CompletionOutcome) {
        #expect(GRPOReward.outcome(text: text, label: label) == expected, "\(text)")
    }

    @Test func capReachedIsMalformed() {
        #expect(GRPOReward.outcome(text: " The answer is: 12", label: "12", latentCapReached: true) == .malformed)
    }
}

import TensorCore
import Testing
@testable import Training

/// Which validated weights a GRPO run keeps: the two selection rules, and that the weights
/// restored are the chosen validation's.
struct BestWeightsTests {
    /// One weight whose value marks the validation it was offered at.
    static func offers(_ rule: GRPOTrainer.Selection, examples: Int,
                       _ validations: [(accuracy: Double, length: Double)]) -> (step: Int?, restored: Float, floor: Double?) {
        let w = Tensor([0], shape: [1])
        var best = BestWeights(weights: [w], rule: rule, examples: examples)
        for (step, v) in validations.enumerated() {
            w.data[0] = Float(step)
            best.offer(step: step, accuracy: v.accuracy, length: v.length)
        }
        w.data[0] = -1
        best.restore()
        return (best.best?.step, w.data[0], best.floor)
    }

    // A run that shortens at a flat accuracy, with validation noise: 0.20 at the start (n = 200,
    // one standard error √(0.2·0.8/200) ≈ 0.0283), a lucky 0.225 early, then shorter chains.
    static let flat: [(accuracy: Double, length: Double)] = [(0.20, 8), (0.225, 7.5), (0.19, 5), (0.185, 3.5), (0.165, 3.0)]

    @Test func accuracyKeepsTheMostAccurate() {
        let r = Self.offers(.accuracy, examples: 200, Self.flat)
        #expect(r.step == 1 && r.restored == 1 && r.floor == nil)
    }

    @Test func accuracyBreaksTiesByLength() {
        let r = Self.offers(.accuracy, examples: 200, [(0.2, 8), (0.2, 6), (0.2, 7)])
        #expect(r.step == 1 && r.restored == 1)
    }

    @Test func shortestKeepsTheShortestWithinOneStandardErrorOfTheStart() throws {
        let r = Self.offers(.shortest, examples: 200, Self.flat)
        let floor = try #require(r.floor)
        #expect(abs(floor - (0.2 - (0.2 * 0.8 / 200).squareRoot())) < 1e-12)
        // 0.185 ≥ 0.1717 qualifies at length 3.5; 0.165 at length 3.0 is below the floor.
        #expect(r.step == 3 && r.restored == 3)
    }

    @Test func shortestBreaksLengthTiesByAccuracyAndKeepsTheStartWhenNothingQualifies() {
        let ties = Self.offers(.shortest, examples: 200, [(0.2, 8), (0.19, 4), (0.21, 4), (0.20, 4)])
        #expect(ties.step == 2)
        let worse = Self.offers(.shortest, examples: 200, [(0.5, 8), (0.3, 2), (0.2, 1)])
        #expect(worse.step == 0 && worse.restored == 0)
    }

    @Test func aPerfectStartAllowsNoLoss() {
        // p = 1 has no binomial spread: the floor is the start itself.
        let r = Self.offers(.shortest, examples: 4, [(1, 6), (0.75, 2), (1, 4)])
        #expect(r.floor == 1 && r.step == 2)
    }
}

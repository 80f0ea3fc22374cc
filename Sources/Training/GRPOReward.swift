// GRPO's pure arithmetic (method.md §(d)): the paper's reward for one group of completions,
// group-normalised advantages, and TRL's per-token k3 KL estimator. No model, no randomness:
// the table-driven tests in Tests/TrainingTests/GRPORewardTests.swift pin every case by hand.
//
// Reward of completion i of a group of G (the reference code's one reward with non-zero weight):
//   malformed → −1 (and it counts as wrong);
//   well formed but wrong → 0;
//   correct → +1 + length term, where over the CORRECT completions of the group only
//     μ = mean L, R = max L − min L (L = total reasoning length = latent steps + 2) and
//     term = 0                      when R = 0,
//     term = −penalty · (L − μ) / R when (correct / G) ≥ cutoff (default 1.0: all correct),
//     term = +bonus   · (L − μ) / R otherwise (longer correct answers favoured on hard prompts).
//
// Advantage: A_i = (r_i − mean(r)) / (std(r) + ε), std = the UNBIASED sample standard deviation
// (divide by G − 1), because TRL's GRPOTrainer calls `rewards.view(-1, G).std(dim=1)` and
// torch.std defaults to Bessel's correction. ε defaults to 1e-4 as in TRL. A group of one has no
// spread (torch gives NaN there); we return 0.
//
// KL: TRL's k3 estimator per sampled token, with d = log π_ref(a) − log π_θ(a):
//   k3 = exp(d) − d − 1  (≥ 0, zero when the two log-probabilities agree).

import Datasets
import Foundation

/// How one sampled completion scored against its label.
public enum CompletionOutcome: Sendable, Equatable {
    /// Failed the format check (no single `" The answer is:"` after the latent tokens, or the
    /// latent cap was reached without STOP).
    case malformed
    /// Well formed, but the number after the marker is not the label.
    case wrong
    /// Well formed and right.
    case correct
}

/// The paper's GRPO reward, advantages and KL estimator.
public enum GRPOReward {
    /// The reward's knobs; defaults are the paper's (`relative_length_penalty` 1e-4,
    /// `relative_length_reward` 0.1, `relative_length_accuracy_requirement` 1.0).
    public struct Settings: Sendable, Equatable {
        /// λ_penalty: shorter correct completions are favoured by this much in groups whose
        /// share of correct samples reaches ``cutoff``.
        public var penalty: Double = 1e-4
        /// λ_reward: longer correct completions are favoured by this much in the other groups.
        public var bonus: Double = 0.1
        /// p_cutoff: the share of correct samples (0…1) from which the penalty applies.
        public var cutoff: Double = 1.0

        public init(penalty: Double = 1e-4, bonus: Double = 0.1, cutoff: Double = 1.0) {
            self.penalty = penalty
            self.bonus = bonus
            self.cutoff = cutoff
        }
    }

    /// The rewards of one group. `lengths[i]` is completion i's total reasoning length
    /// (latent steps + 2); it matters only for correct completions.
    /// - Precondition: `outcomes` and `lengths` have the same count.
    public static func rewards(outcomes: [CompletionOutcome], lengths: [Int], settings: Settings = Settings()) -> [Double] {
        precondition(outcomes.count == lengths.count, "GRPOReward.rewards: \(outcomes.count) outcomes for \(lengths.count) lengths")
        let correct = outcomes.indices.filter { outcomes[$0] == .correct }
        var term = [Double](repeating: 0, count: outcomes.count)
        if let low = correct.map({ lengths[$0] }).min(), let high = correct.map({ lengths[$0] }).max(), high > low {
            let mean = Double(correct.map { lengths[$0] }.reduce(0, +)) / Double(correct.count)
            let range = Double(high - low)
            let share = Double(correct.count) / Double(outcomes.count)
            let lambda = share >= settings.cutoff ? -settings.penalty : settings.bonus
            for i in correct { term[i] = lambda * (Double(lengths[i]) - mean) / range }
        }
        return outcomes.indices.map { i in
            switch outcomes[i] {
            case .malformed: -1
            case .wrong: 0
            case .correct: 1 + term[i]
            }
        }
    }

    /// Group-normalised advantages `(r − mean) / (std + epsilon)` with the unbiased standard
    /// deviation (TRL / torch.std); all zeros for a group of fewer than two.
    public static func advantages(_ rewards: [Double], epsilon: Double = 1e-4) -> [Double] {
        guard rewards.count > 1 else { return [Double](repeating: 0, count: rewards.count) }
        let n = Double(rewards.count)
        let mean = rewards.reduce(0, +) / n
        let variance = rewards.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let scale = variance.squareRoot() + epsilon
        return rewards.map { ($0 - mean) / scale }
    }

    /// TRL's per-token k3 estimate of KL(π_θ ‖ π_ref): `exp(d) − d − 1` with
    /// `d = reference − logProbability` (both natural-log probabilities of the sampled token).
    public static func k3(logProbability: Double, reference: Double) -> Double {
        let d = reference - logProbability
        return Foundation.exp(d) - d - 1
    }

    /// Whether a decoded answer text (special tokens skipped) passes the paper's format check:
    /// `" The answer is:"` occurs exactly once and only whitespace comes before it (the latent
    /// tokens, which precede it in the paper's decoded completion, are not part of this text).
    public static func isWellFormed(_ text: String) -> Bool {
        let marker = " The answer is:"
        guard let first = text.range(of: marker) else { return false }
        guard text[..<first.lowerBound].allSatisfy(\.isWhitespace) else { return false }
        return text[first.upperBound...].range(of: marker) == nil
    }

    /// The outcome of a decoded answer text against `label` (``AnswerParsing`` for correctness).
    public static func outcome(text: String, label: String, latentCapReached: Bool = false) -> CompletionOutcome {
        if latentCapReached || !isWellFormed(text) { return .malformed }
        return AnswerParsing.isCorrect(text, label: label) ? .correct : .wrong
    }
}

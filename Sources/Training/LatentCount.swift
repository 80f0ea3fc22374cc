// How many latent steps the student sequence of a distillation example gets: the one place
// where that count is decided (DistillationTrainer batches examples by it, so every batch has
// one count). A mode whose count follows the example's written chain extends this enum.

import Datasets

/// How many latent steps the student sequence of an example gets.
public enum LatentCountTarget: Sendable, Equatable {
    /// The same count for every example (Latent-6: `.fixed(6)`).
    case fixed(Int)
    /// The paper's Latent-6-by-1: the example's step count + 5, capped at 10.
    case byStep
    /// One latent per `tokensPerLatent` tokens of the chain the teacher writes (its steps but the
    /// last, concatenated): ⌈T / k⌉ latents, so a 1-step example gets none and a longer chain
    /// proportionally more — the latent count follows the problem.
    case byChain(tokensPerLatent: Int)

    /// The count for `example`.
    public func count(for example: Example, tokenizer: Tokenizer) -> Int {
        switch self {
        case .fixed(let n): n
        case .byStep: Prompts.byStepLatentCount(for: example)
        case .byChain(let k):
            (example.stepTexts.dropLast().reduce(0) { $0 + tokenizer.encode($1).count } + k - 1) / max(1, k)
        }
    }

    /// Throws ``TrainingError/invalidArgument(_:)`` for a count outside 0…64.
    func validate() throws {
        if case .fixed(let n) = self, n < 0 || n > 64 { throw TrainingError.invalidArgument("latent must be a count in 0…64, got \(n)") }
    }
}

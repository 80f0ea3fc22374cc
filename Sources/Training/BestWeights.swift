// The best validated weights of a GRPO run, kept in memory under one of the
// GRPOTrainer.Selection rules and restored at the end.

import TensorCore

/// The best validated weights of a run, copied in memory, under one of the
/// ``GRPOTrainer/Selection`` rules.
struct BestWeights {
    let weights: [Tensor]
    let rule: GRPOTrainer.Selection
    /// Validation examples (for the standard error of an accuracy).
    let examples: Int
    private(set) var best: (step: Int, accuracy: Double, length: Double)?
    /// `.shortest`: the accuracy a validation must reach to be chosen — the first validation's
    /// (the starting model's) minus one binomial standard error √(p(1−p)/n).
    private(set) var floor: Double?
    private var snapshot: [[Float]] = []
    /// The step of the latest validation offered.
    private(set) var lastOffered: Int?

    init(weights: [Tensor], rule: GRPOTrainer.Selection = .accuracy, examples: Int = 1) {
        self.weights = weights
        self.rule = rule
        self.examples = max(1, examples)
    }

    /// Keeps the current weights when they beat the best so far under the rule: `.accuracy` —
    /// a higher accuracy, or an equal one with a shorter mean length; `.shortest` — an accuracy
    /// at or above the floor and a shorter mean length (ties: the higher accuracy).
    mutating func offer(step: Int, accuracy: Double, length: Double) {
        lastOffered = step
        if let b = best {
            switch rule {
            case .accuracy:
                if accuracy < b.accuracy || (accuracy == b.accuracy && length >= b.length) { return }
            case .shortest:
                if accuracy < floor! - 1e-12 || length > b.length || (length == b.length && accuracy <= b.accuracy) { return }
            }
        } else if rule == .shortest {
            floor = accuracy - (accuracy * (1 - accuracy) / Double(examples)).squareRoot()
        }
        best = (step, accuracy, length)
        snapshot = weights.map(\.scalars)
    }

    /// Copies the best weights back into the model.
    func restore() {
        guard !snapshot.isEmpty else { return }
        for (w, values) in zip(weights, snapshot) {
            values.withUnsafeBufferPointer { w.data.update(from: $0.baseAddress!, count: w.count) }
        }
    }
}

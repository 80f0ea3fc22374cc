// One GRPO step's data and loss (method.md §(d)): P prompts × G sampled completions, the paper's
// reward per group, group advantages, and the loss over every action (stop decisions and answer
// tokens) with log-probabilities recomputed through the latent recurrence.
//
// Loss (TRL 0.19/0.20, loss_type "bnpo", num_iterations 1): with one policy update per batch the
// importance ratio π_θ/π_θ_old is exp(logp − logp.detach()) = 1 and the PPO clip is inactive, so
//   loss = (1/N) Σ_actions [ −A_i · log π_θ(a) + β · k3(log π_θ(a), log π_ref(a)) ]
// where N is the number of actions in the whole batch (all completions' tokens summed, not a
// per-sequence mean) and every action of completion i shares its advantage A_i. Its gradient is
// exactly TRL's: −A_i ∇log π_θ(a) + β ∇k3.

import Datasets
import Foundation
import Models
import TensorCore

/// The sampled completions of one step, scored.
struct GRPOBatch {
    /// The prompt token ids of every completion (each prompt repeated G times, group-major).
    let prompts: [[Int]]
    let samples: [LatentSample]
    let outcomes: [CompletionOutcome]
    let rewards: [Double]
    let advantages: [Double]
    /// Groups whose share of correct samples reached the cutoff (the penalty applied).
    let groupsAtCutoff: Int
}

extension GRPOBatch {
    /// Samples `group` completions for each of `examples` and scores them. Throws
    /// ``ModelError/interrupted`` when `shouldStop` (asked before every decoding step) returns true.
    init(model: LatentModel, tokenizer: Tokenizer, examples: [Example], group: Int,
         sampling: LatentSamplingSettings, reward: GRPOReward.Settings, epsilon: Double, seed: UInt64, batchSize: Int,
         shouldStop: () -> Bool = { false }) throws {
        let prompts = examples.flatMap { e in [[Int]](repeating: tokenizer.prompt(question: e.question, latent: true), count: group) }
        let samples = try model.sample(prompts: prompts, settings: sampling, seed: seed, batchSize: batchSize,
                                       shouldStop: shouldStop)
        var outcomes: [CompletionOutcome] = [], rewards: [Double] = [], advantages: [Double] = []
        var atCutoff = 0
        for (g, example) in examples.enumerated() {
            let members = samples[(g * group)..<((g + 1) * group)]
            let o = members.map { Self.outcome($0, label: example.answer, tokenizer: tokenizer) }
            let r = GRPOReward.rewards(outcomes: o, lengths: members.map(\.reasoningLength), settings: reward)
            if Double(o.filter { $0 == .correct }.count) / Double(group) >= reward.cutoff { atCutoff += 1 }
            outcomes += o
            rewards += r
            advantages += GRPOReward.advantages(r, epsilon: epsilon)
        }
        self.init(prompts: prompts, samples: samples, outcomes: outcomes, rewards: rewards, advantages: advantages,
                  groupsAtCutoff: atCutoff)
    }

    /// The format check runs on the answer text decoded WITH special tokens (a special token
    /// before the marker fails it, as in the paper); correctness on the text without them.
    static func outcome(_ s: LatentSample, label: String, tokenizer: Tokenizer) -> CompletionOutcome {
        guard s.stopped, GRPOReward.isWellFormed(tokenizer.decode(s.answerTokens)) else { return .malformed }
        return AnswerParsing.isCorrect(tokenizer.decode(s.answerTokens, skipSpecial: true), label: label) ? .correct : .wrong
    }

    /// The step's figures that do not need the model.
    struct Figures {
        var reward, accuracy, length, malformed, stopEntropy: Double
    }

    var figures: Figures {
        let n = Double(samples.count)
        let formed = samples.indices.filter { outcomes[$0] != .malformed }
        let decisions = samples.flatMap(\.stopEntropies)
        return Figures(
            reward: rewards.reduce(0, +) / n,
            accuracy: Double(outcomes.filter { $0 == .correct }.count) / n,
            length: formed.isEmpty ? 0 : Double(formed.map { samples[$0].reasoningLength }.reduce(0, +)) / Double(formed.count),
            malformed: Double(samples.count - formed.count) / n,
            stopEntropy: decisions.isEmpty ? 0 : decisions.reduce(0, +) / Double(decisions.count))
    }

    /// Runs the loss of this batch through `model` and back-propagates it into the weights'
    /// gradients, `rows` completions at a time (the loss is a sum over actions divided by the
    /// batch's total action count, so accumulating chunk by chunk gives the full-batch gradient
    /// with a fraction of the memory). Returns the loss, the mean per-action k3 KL to
    /// `reference` (nil or `beta` 0: no reference pass and no KL term) and the action count.
    /// A non-finite chunk loss stops at once and returns it (its graph is released unused).
    func accumulateGradients(model: LatentModel, reference: LatentModel?, beta: Double, sampling: LatentSamplingSettings,
                             rows: Int) throws -> (loss: Double, kl: Double, actions: Int) {
        let parallel = try DataParallel(model: model, workers: 1)
        // Without a stop check the rounds always run to the end.
        return try accumulateGradients(parallel: parallel, references: [reference], beta: beta, sampling: sampling, rows: rows)!
    }

    /// As above, with the chunks spread over `parallel`'s workers: worker w scores its chunk on
    /// its weight-sharing replica (and on `references[w]`, a replica of the frozen reference),
    /// back-propagates it there, and the replicas' gradients are summed into the model's after
    /// every round of chunks. The gradient is the same sum as the sequential one (up to the
    /// order of the additions). Returns nil, leaving partial gradients on the model, when
    /// `shouldStop` (asked before every round) returns true.
    func accumulateGradients(parallel: DataParallel<LatentModel>, references: [LatentModel?], beta: Double,
                             sampling: LatentSamplingSettings, rows: Int,
                             shouldStop: () -> Bool = { false }) throws -> (loss: Double, kl: Double, actions: Int)? {
        precondition(rows > 0, "GRPOBatch: rows per chunk must be positive")
        precondition(references.count >= parallel.workers, "GRPOBatch: one reference replica per worker")
        let total = samples.map(\.actionCount).reduce(0, +)
        let scale = 1 / Float(max(total, 1))
        let chunks = stride(from: 0, to: samples.count, by: rows).map { $0..<min(samples.count, $0 + rows) }
        var loss = 0.0, klSum = 0.0
        for round in stride(from: 0, to: chunks.count, by: parallel.workers) {
            if shouldStop() { return nil }
            let items = Array(chunks[round..<min(chunks.count, round + parallel.workers)].enumerated())
            let parts = try parallel.accumulate(items) { policy, item -> (Double, Double) in
                let (partial, kl) = try chunkLoss(item.element, model: policy, reference: references[item.offset], beta: beta,
                                                  sampling: sampling, scale: scale)
                let value = Double(partial.item)
                if value.isFinite { partial.backward() } else { partial.detachGraph() }
                return (value, kl)
            }
            for (value, kl) in parts {
                loss += value
                klSum += kl
                guard value.isFinite else { return (value, .nan, total) }
            }
        }
        return (loss, klSum / Double(max(total, 1)), total)
    }

    /// `scale · Σ_actions (−A·logp + β·k3)` over the completions in `chunk` (with a graph), and
    /// the plain sum of their k3 values.
    private func chunkLoss(_ chunk: Range<Int>, model: LatentModel, reference: LatentModel?, beta: Double,
                           sampling: LatentSamplingSettings, scale: Float) throws -> (Tensor, Double) {
        let prompts = Array(self.prompts[chunk]), samples = Array(self.samples[chunk])
        let policy = try model.actionLogProbabilities(prompts: prompts, samples: samples, settings: sampling)
        let n = policy.values.count
        var weights = [Float](repeating: 0, count: n)
        for (i, rows) in policy.indices.enumerated() { for k in rows { weights[k] = Float(advantages[chunk.lowerBound + i]) } }
        var sum = (Tensor(weights, shape: [n]) * policy.values).sum() * -1
        var klSum = 0.0
        if let reference, beta > 0 {
            let ref = try Autograd.withoutGrad {
                try reference.actionLogProbabilities(prompts: prompts, samples: samples, settings: sampling).values
            }
            let d = ref - policy.values
            let k3 = exp(d) - d - 1
            klSum = (0..<n).reduce(0.0) { $0 + Double(k3.data[$1]) }
            sum = sum + k3.sum() * Float(beta)
        }
        return (sum * scale, klSum)
    }
}

// Evaluator: greedy generation on held-out problems, scored the paper's way (method.md §(e)).

import Datasets
import Foundation
import Models
import TensorCore

/// How the model is asked to answer.
public enum EvaluationMode: String, Sendable, CaseIterable {
    /// Prompt = question; the model writes its chain of thought, then the answer.
    case chainOfThought = "cot"
    /// Prompt = question; the model is expected to answer directly. Length is 0 by definition.
    case noChainOfThought = "nocot"
}

/// Accuracy and length over the examples with one reference step count.
public struct StepBreakdown: Sendable, Equatable {
    /// Number of steps of the reference solution.
    public var steps: Int
    public var count: Int
    public var accuracy: Double
    public var meanLength: Double
}

/// The result of an evaluation (the language's `evaluation`).
public struct EvaluationResult: Sendable, Equatable {
    /// Fraction of examples answered correctly (0…1).
    public var accuracy: Double
    /// Mean total reasoning length over the correctly formatted outputs.
    public var meanLength: Double
    /// Each example's reasoning length: tokens before `" The answer is:"` (CoT), 0 (No-CoT);
    /// for an output without the marker, its whole token count.
    public var lengths: [Int]
    /// Per example: correct, and whether the output had the answer marker.
    public var correct: [Bool]
    public var wellFormatted: [Bool]
    /// The decoded outputs (special tokens skipped).
    public var outputs: [String]
    /// Accuracy and mean length by reference step count, ascending.
    public var bySteps: [StepBreakdown]
    public var seconds: Double
}

/// Greedy, batched evaluation over a key/value cache.
public enum Evaluator {
    /// Generates an answer for every example of `data` and scores it.
    ///
    /// The prompt is `<bos> "Question: " q` (the same prefix as in training). Generation is
    /// greedy, up to `maximumNewTokens` (clipped to the model's length) or `<eos>`. Correctness:
    /// the first number after the last `" the answer is:"` equals the label (|Δ| < 1e-6).
    /// `onProgress(done, total)` is called after each batch; `.stop` ends early and scores the
    /// examples done so far. `shouldStop` is asked before every decoding step: when it returns
    /// true the batch in progress is dropped and the batches completed so far are scored (so an
    /// interrupt ends a long batch within one decoding step).
    public static func evaluate(
        model: LlamaModel, tokenizer: Tokenizer, data: Dataset, mode: EvaluationMode = .chainOfThought,
        maximumNewTokens: Int = 160, batchSize: Int = 64,
        onProgress: (Int, Int) -> TrainingControl = { _, _ in .continue }, shouldStop: () -> Bool = { false }
    ) throws -> EvaluationResult {
        guard batchSize > 0, maximumNewTokens > 0 else {
            throw TrainingError.invalidArgument("evaluate needs a batch size and a token budget of at least 1")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let examples = Array(data)
        // Batches of similar prompt length; results are put back in data order.
        let order = examples.indices.sorted {
            (examples[$0].question.utf8.count, $0) < (examples[$1].question.utf8.count, $1)
        }
        var decoded = [String?](repeating: nil, count: examples.count)
        var done = 0
        for chunk in stride(from: 0, to: order.count, by: batchSize) {
            let members = Array(order[chunk..<min(order.count, chunk + batchSize)])
            let prompts = members.map { tokenizer.prompt(question: examples[$0].question, latent: false) }
            let generations: [Generation]
            do {
                generations = try model.generate(prompts: prompts, maximumNewTokens: maximumNewTokens,
                                                 stopTokens: [tokenizer.eosID], batchSize: batchSize,
                                                 shouldStop: shouldStop)
            } catch ModelError.interrupted {
                break
            }
            for (i, index) in members.enumerated() {
                decoded[index] = tokenizer.decode(generations[i].tokens, skipSpecial: true)
            }
            done += members.count
            if onProgress(done, examples.count) == .stop { break }
        }
        let kept = examples.indices.filter { decoded[$0] != nil }
        var result = score(kept.map { examples[$0] }, outputs: kept.map { decoded[$0]! }, mode: mode,
                           tokenizer: tokenizer)
        let d = clock.now - start
        result.seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        return result
    }

    /// Scores decoded outputs (special tokens skipped) against their examples: correctness by
    /// ``AnswerParsing``, length as the paper counts it (CoT tokens before the answer marker,
    /// 0 for No-CoT; an output without the marker counts its whole length and is left out of
    /// the means).
    public static func score(
        _ examples: [Example], outputs: [String], mode: EvaluationMode, tokenizer: Tokenizer
    ) -> EvaluationResult {
        precondition(examples.count == outputs.count, "score: \(examples.count) examples, \(outputs.count) outputs")
        var lengths: [Int] = [], correct: [Bool] = [], formatted: [Bool] = []
        for (example, text) in zip(examples, outputs) {
            correct.append(AnswerParsing.isCorrect(text, label: example.answer))
            let reasoning = AnswerParsing.reasoningText(in: text)
            formatted.append(reasoning != nil)
            switch (mode, reasoning) {
            case (.noChainOfThought, .some): lengths.append(0)
            case (.chainOfThought, .some(let r)): lengths.append(tokenizer.encode(r).count)
            case (_, .none): lengths.append(tokenizer.encode(text).count)
            }
        }
        return EvaluationResult(
            accuracy: fraction(correct), meanLength: meanLength(lengths, formatted),
            lengths: lengths, correct: correct, wellFormatted: formatted, outputs: outputs,
            bySteps: breakdown(examples, correct: correct, lengths: lengths, formatted: formatted),
            seconds: 0)
    }

    static func fraction(_ flags: [Bool]) -> Double {
        flags.isEmpty ? 0 : Double(flags.filter { $0 }.count) / Double(flags.count)
    }

    static func meanLength(_ lengths: [Int], _ formatted: [Bool]) -> Double {
        let values = zip(lengths, formatted).filter(\.1).map(\.0)
        return values.isEmpty ? 0 : Double(values.reduce(0, +)) / Double(values.count)
    }

    static func breakdown(_ examples: [Example], correct: [Bool], lengths: [Int], formatted: [Bool]) -> [StepBreakdown] {
        let groups = Dictionary(grouping: examples.indices) { examples[$0].stepCount }
        return groups.keys.sorted().map { steps in
            let members = groups[steps]!
            return StepBreakdown(
                steps: steps, count: members.count, accuracy: fraction(members.map { correct[$0] }),
                meanLength: meanLength(members.map { lengths[$0] }, members.map { formatted[$0] }))
        }
    }
}

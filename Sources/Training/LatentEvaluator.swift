// LatentEvaluator: accuracy and total reasoning length of latent inference (method.md §(e)),
// forced-count sweeps, the `solve` trace, and a decode-speed measurement.

import Datasets
import Foundation
import Models
import TensorCore

/// The result of a latent evaluation.
public struct LatentEvaluationResult: Sendable, Equatable {
    /// Accuracy, lengths (latent steps + 2 per example), outputs and the by-step breakdown.
    public var result: EvaluationResult
    /// Latent steps taken per example.
    public var latentSteps: [Int]
    /// Mean latent steps by reference step count (ascending step counts, as in `result.bySteps`).
    public var meanLatentStepsBySteps: [(steps: Int, mean: Double)]
    /// Mean latent steps over all examples.
    public var meanLatentSteps: Double {
        latentSteps.isEmpty ? 0 : Double(latentSteps.reduce(0, +)) / Double(latentSteps.count)
    }
    /// Decode steps (forward positions after the prompt) per second over the whole run.
    public var decodeStepsPerSecond: Double
    /// Forward FLOPs each example took (``LatentModel/inferenceFLOPs(promptLength:latentSteps:answerTokens:)``).
    public var flops: [Double] = []

    public static func == (a: Self, b: Self) -> Bool {
        a.result == b.result && a.latentSteps == b.latentSteps
    }
}

/// The `solve` trace of one question.
public struct LatentSolveTrace: Sendable, Equatable {
    /// Stop probability and logit-lens top 3 at `<START>` and each latent step.
    public var steps: [LatentStepTrace]
    /// The decoded top-3 tokens of each entry of ``steps``.
    public var topTokenTexts: [[String]]
    /// Step lens: for each entry of ``steps``, the text the model writes from the latent vector
    /// that position hands on, alone (``LatentModel/writtenTokens(from:maximumTokens:until:)``,
    /// up to `<eos>`) — after step supervision, the intermediate result (or, with
    /// `step_align: "chunks"`, the run of the written chain) it carries.
    public var writes: [String] = []
    public var latentSteps: Int
    /// Total reasoning length (latent steps + 2).
    public var reasoningLength: Int
    /// The decoded answer text (special tokens skipped), e.g. `" The answer is: 136"`.
    public var text: String
    /// The parsed answer, or nil for a badly formatted output.
    public var answer: Double?
}

/// Latent evaluation and tracing.
public enum LatentEvaluator {
    /// Runs latent inference on every example and scores it the paper's way.
    ///
    /// Prompt `<bos> "Question: " q <START>`; `policy` adaptive (greedy stop head, capped) or
    /// forced; length per example = latent steps + 2; correctness as ``AnswerParsing``.
    /// `onProgress(done, total)` after each batch; `.stop` scores the examples done so far.
    /// `shouldStop` is asked before every decoding step: true drops the batch in progress and
    /// scores the batches completed so far.
    public static func evaluate(
        model: LatentModel, tokenizer: Tokenizer, data: Dataset, policy: LatentStepPolicy = .standard,
        maximumAnswerTokens: Int = 32, batchSize: Int = 64,
        onProgress: (Int, Int) -> TrainingControl = { _, _ in .continue }, shouldStop: () -> Bool = { false }
    ) throws -> LatentEvaluationResult {
        guard batchSize > 0 else { throw TrainingError.invalidArgument("evaluate needs a batch size of at least 1") }
        if case .forced(let n) = policy, n < 0 { throw TrainingError.invalidArgument("a forced latent count must be ≥ 0, got \(n)") }
        if case .adaptive(let cap) = policy, cap < 0 { throw TrainingError.invalidArgument("the latent cap must be ≥ 0, got \(cap)") }
        let clock = ContinuousClock()
        let start = clock.now
        let examples = Array(data)
        var generations = [LatentGeneration?](repeating: nil, count: examples.count)
        var promptLengths = [Int](repeating: 0, count: examples.count)
        var decodeSteps = 0
        for chunk in stride(from: 0, to: examples.count, by: batchSize) {
            let members = Array(chunk..<min(examples.count, chunk + batchSize))
            let prompts = members.map { tokenizer.prompt(question: examples[$0].question, latent: true) }
            for (i, index) in members.enumerated() { promptLengths[index] = prompts[i].count }
            let out: [LatentGeneration]
            do {
                out = try model.generate(prompts: prompts,
                                         policy: policy, maximumAnswerTokens: maximumAnswerTokens, batchSize: batchSize,
                                         shouldStop: shouldStop)
            } catch ModelError.interrupted {
                break
            }
            for (i, index) in members.enumerated() { generations[index] = out[i] }
            decodeSteps += out.map { $0.latentSteps + 1 + $0.tokens.count }.max() ?? 0
            if onProgress(chunk + members.count, examples.count) == .stop { break }
        }
        let kept = examples.indices.filter { generations[$0] != nil }
        let done = kept.map { generations[$0]! }
        let keptExamples = kept.map { examples[$0] }
        var result = Evaluator.score(keptExamples, outputs: done.map { tokenizer.decode($0.tokens, skipSpecial: true) },
                                     mode: .noChainOfThought, tokenizer: tokenizer)
        result.lengths = done.map(\.reasoningLength)
        result.meanLength = Evaluator.meanLength(result.lengths, result.wellFormatted)
        result.bySteps = Evaluator.breakdown(keptExamples, correct: result.correct, lengths: result.lengths, formatted: result.wellFormatted)
        let d = clock.now - start
        result.seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        let steps = done.map(\.latentSteps)
        let groups = Dictionary(grouping: keptExamples.indices) { keptExamples[$0].stepCount }
        let bySteps = groups.keys.sorted().map { k in
            (k, Double(groups[k]!.map { steps[$0] }.reduce(0, +)) / Double(groups[k]!.count))
        }
        let flops = kept.map { i in
            model.inferenceFLOPs(promptLength: promptLengths[i], latentSteps: generations[i]!.latentSteps,
                                 answerTokens: generations[i]!.tokens.count)
        }
        return LatentEvaluationResult(result: result, latentSteps: steps, meanLatentStepsBySteps: bySteps,
                                      decodeStepsPerSecond: Double(decodeSteps) / max(result.seconds, 1e-9), flops: flops)
    }

    /// Accuracy with each forced latent count in `counts` (e.g. `0...8`).
    public static func sweep(
        model: LatentModel, tokenizer: Tokenizer, data: Dataset, counts: ClosedRange<Int>, batchSize: Int = 64
    ) throws -> [(count: Int, accuracy: Double)] {
        try counts.map { n in
            (n, try evaluate(model: model, tokenizer: tokenizer, data: data, policy: .forced(n), batchSize: batchSize).result.accuracy)
        }
    }

    /// Solves one question with a trace of every binary position.
    public static func solve(
        model: LatentModel, tokenizer: Tokenizer, question: String, policy: LatentStepPolicy = .standard,
        maximumAnswerTokens: Int = 32
    ) throws -> LatentSolveTrace {
        let g = try model.generate(prompts: [tokenizer.prompt(question: question, latent: true)], policy: policy,
                                   maximumAnswerTokens: maximumAnswerTokens, batchSize: 1, trace: true)[0]
        let text = tokenizer.decode(g.tokens, skipSpecial: true)
        let answer: Double? = if case .number(let x) = AnswerParsing.outcome(of: text) { x } else { nil }
        let writes = try g.trace.map { entry in
            tokenizer.decode(try model.writtenTokens(from: entry.nextInput))
        }
        return LatentSolveTrace(
            steps: g.trace, topTokenTexts: g.trace.map { $0.topTokens.map { tokenizer.token(of: $0.id) ?? "?" } },
            writes: writes, latentSteps: g.latentSteps, reasoningLength: g.reasoningLength, text: text, answer: answer)
    }

    /// Decode steps per second of batch-1 adaptive inference over `questions` (every forward
    /// position after the prompt counts: latent steps, `<END>`, answer tokens).
    public static func decodeSpeed(model: LatentModel, tokenizer: Tokenizer, questions: [String],
                                   policy: LatentStepPolicy = .standard) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var steps = 0
        for q in questions {
            let g = try model.generate(prompts: [tokenizer.prompt(question: q, latent: true)], policy: policy, batchSize: 1)[0]
            steps += g.latentSteps + 1 + g.tokens.count
        }
        let d = clock.now - start
        return Double(steps) / max(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18, 1e-9)
    }
}

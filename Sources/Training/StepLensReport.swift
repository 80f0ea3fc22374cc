// What the latent steps carry, over a dataset. For each problem the step lens (the text the model
// writes from each latent input it is fed, LatentEvaluator.solve's `writes`) is compared with the
// reference's intermediate results. It says what the forced-count sweep cannot: whether the
// latents hold the right numbers, and whether the answer is right when they do — which separates
// "the chain computes badly" from "the answer does not use the chain".

import Datasets
import Models

/// The step lens over a dataset, by step count (see the file header).
public struct StepLensReport: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// Step count of the problems in the row; nil for the row of all problems.
        public var steps: Int?
        public var count = 0
        public var correct = 0
        /// The first latent input writes the first result exactly.
        public var firstExact = 0
        /// Every intermediate result (all but the last) is written exactly, in order, by the
        /// latent inputs (a 1-step problem has none, so it always counts).
        public var chainExact = 0
        /// Correct among the problems with `chainExact`.
        public var correctGivenChain = 0
        /// The answer equals what the last latent input writes.
        public var answerIsLastLatent = 0

        public init(steps: Int?) { self.steps = steps }

        mutating func add(_ o: Observation) {
            count += 1
            if o.correct { correct += 1 }
            if o.firstExact { firstExact += 1 }
            if o.chainExact {
                chainExact += 1
                if o.correct { correctGivenChain += 1 }
            }
            if o.answerIsLastLatent { answerIsLastLatent += 1 }
        }
    }

    /// One problem's comparison.
    struct Observation: Equatable {
        var correct, firstExact, chainExact, answerIsLastLatent: Bool
    }

    /// One row per step count, in order, then the row of all problems.
    public var rows: [Row]

    /// The number a step or a lens text ends with: after its last `=`, inside `<< >>`, without
    /// spaces (`"<<74/2=37>>"` → `"37"`, `"<<37>>"` → `"37"`); nil when there is none.
    public static func result(of text: String) -> String? {
        var s = Substring(text)
        if let close = s.range(of: ">>", options: .backwards) { s = s[..<close.lowerBound] }
        if let equals = s.lastIndex(of: "=") { s = s[s.index(after: equals)...] }
        if let open = s.range(of: "<<", options: .backwards) { s = s[open.upperBound...] }
        let value = s.filter { !$0.isWhitespace }
        return value.isEmpty ? nil : String(value)
    }

    /// Compares one problem's lens with its reference: `writes` are the texts of the latent
    /// inputs it was fed (in order), `answer` the model's parsed answer text.
    static func observe(_ example: Example, writes: [String], answer: String?, correct: Bool) -> Observation {
        let results = example.steps.map(result(of:))
        let written = writes.map(result(of:))
        var chain = true, next = 0
        let intermediates = Array(results.dropLast())
        for r in intermediates {
            guard let r, let found = written[next...].firstIndex(of: r) else { chain = false; break }
            next = found + 1
        }
        return Observation(
            correct: correct,
            firstExact: results.first.map { $0 != nil && written.first == $0 } ?? false,
            chainExact: chain,
            answerIsLastLatent: answer != nil && written.last.map { $0 == answer } == true)
    }

    /// Solves every example greedily with its trace (batch 1) and compares. `onProgress(done,
    /// total)` after each example; `.stop` reports the examples done so far.
    public static func measure(
        model: LatentModel, tokenizer: Tokenizer, data: Dataset, policy: LatentStepPolicy = .standard,
        onProgress: (Int, Int) -> TrainingControl = { _, _ in .continue }
    ) throws -> StepLensReport {
        var byCount: [Int: Row] = [:]
        var all = Row(steps: nil)
        let examples = Array(data)
        for (i, example) in examples.enumerated() {
            let trace = try LatentEvaluator.solve(model: model, tokenizer: tokenizer, question: example.question, policy: policy)
            let answer = trace.answer.map { x in x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x) }
            let o = observe(example, writes: Array(trace.writes.prefix(trace.latentSteps)), answer: answer,
                            correct: AnswerParsing.isCorrect(trace.text, label: example.answer))
            byCount[example.stepCount, default: Row(steps: example.stepCount)].add(o)
            all.add(o)
            if onProgress(i + 1, examples.count) == .stop { break }
        }
        return StepLensReport(rows: byCount.keys.sorted().map { byCount[$0]! } + [all])
    }
}

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
        /// Problems whose chain first misses intermediate result i (0-based), by i: where the
        /// chain goes wrong.
        public var firstWrong: [Int: Int] = [:]

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
            if let i = o.firstWrong { firstWrong[i, default: 0] += 1 }
        }
    }

    /// One problem's comparison.
    struct Observation: Equatable {
        var correct, firstExact, chainExact, answerIsLastLatent: Bool
        /// The first intermediate result (0-based) the chain misses; nil when it holds.
        var firstWrong: Int? = nil
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

    /// The results a chain of lens texts writes, in order. Texts in `<< >>` are read as one
    /// stream, so a result split over several latents (`"<<3"`, `"7>>"`: step supervision with
    /// `step_align: "chunks"`) is one result, and a latent that writes two (`"8>><<1"`) gives
    /// both; texts without brackets are one result each.
    static func results(writtenBy writes: [String]) -> [String?] {
        let stream = writes.joined()
        guard stream.contains("<<") else { return writes.map(result(of:)) }
        var out: [String?] = []
        var rest = Substring(stream)
        while let open = rest.range(of: "<<") {
            let body = rest[open.upperBound...]
            if let close = body.range(of: ">>") {
                out.append(result(of: "<<" + body[..<close.lowerBound] + ">>"))
                rest = body[close.upperBound...]
            } else {
                out.append(result(of: "<<" + body + ">>"))
                break
            }
        }
        return out
    }

    /// Compares one problem's lens with its reference: `writes` are the texts of the latent
    /// inputs it was fed (in order), `answer` the model's parsed answer text.
    static func observe(_ example: Example, writes: [String], answer: String?, correct: Bool) -> Observation {
        let results = example.steps.map(result(of:))
        let written = Self.results(writtenBy: writes)
        var firstWrong: Int? = nil, next = 0
        let intermediates = Array(results.dropLast())
        for (i, r) in intermediates.enumerated() {
            guard let r, let found = written[next...].firstIndex(of: r) else { firstWrong = i; break }
            next = found + 1
        }
        return Observation(
            correct: correct,
            firstExact: results.first.map { $0 != nil && written.first == $0 } ?? false,
            chainExact: firstWrong == nil,
            answerIsLastLatent: answer != nil && written.last.map { $0 == answer } == true,
            firstWrong: firstWrong)
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

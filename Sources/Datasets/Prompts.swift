/// The text templates of the trainers and evaluators (method.md §(c) and §(e)).
///
/// - CoT teacher: `"Question: " + q + cot + " The answer is: " + a`, then `<eos>`.
/// - No-CoT: `"Question: " + q + " The answer is: " + a`, then `<eos>`.
/// - Latent student: `"Question: " + q`, `<START>`, n × `<|CONTINUE|>`, `<|STOP|>`,
///   `" The answer is: " + a`, `<eos>`.
///
/// `cot` is ``Example/cotText``: GSM8K-Aug equations concatenated with no separator, prose and
/// multiplication steps with a leading space. Sequences start with `<bos>`.
///
/// Choice: unlike the paper, whose evaluation prompt is the bare question, the prompt here
/// always carries the `"Question: "` prefix, in training and in evaluation alike, so that the
/// model sees the same prefix in both.
public enum Prompts {
    /// Put before the question.
    public static let questionPrefix = "Question: "
    /// Put between the reasoning and the answer; its trailing space becomes the standalone
    /// space token right before the answer digits.
    public static let answerPrefix = " The answer is: "

    /// `"Question: " + question`.
    public static func question(_ question: String) -> String { questionPrefix + question }

    /// `" The answer is: " + answer`.
    public static func answerText(_ answer: String) -> String { answerPrefix + answer }

    /// The CoT teacher text (without `<bos>`/`<eos>`). With `dropLastStep` the final reasoning
    /// step is left out (the paper's `remove_last_reasoning_step` for latent runs).
    public static func teacherText(_ example: Example, dropLastStep: Bool = false) -> String {
        question(example.question) + example.cotText(dropLastStep: dropLastStep) + answerText(example.answer)
    }

    /// The No-CoT text: the question followed directly by the answer sentence.
    public static func noCoTText(_ example: Example) -> String {
        question(example.question) + answerText(example.answer)
    }

    /// The latent student layout written out as text, special tokens included (for display
    /// and tests; trainers use ``Tokenizer/studentSequence(_:latentSteps:)``).
    public static func studentText(_ example: Example, latentSteps: Int) -> String {
        question(example.question) + Tokenizer.start
            + String(repeating: Tokenizer.continue, count: max(0, latentSteps)) + Tokenizer.stop
            + answerText(example.answer)
    }

    /// The paper's Latent-6-by-1 count of latent steps: the reference step count plus 5,
    /// capped at 10.
    public static func byStepLatentCount(for example: Example) -> Int { min(10, example.stepCount + 5) }
}

/// A tokenized training sequence with the positions trainers need.
public struct EncodedSequence: Sendable, Equatable {
    /// Token ids, starting with `<bos>` and ending with `<eos>`.
    public var ids: [Int]
    /// Number of leading prompt tokens (`<bos>` and the question). Every later token is a
    /// target: the loss predicts `ids[t]` from position `t - 1` for `t >= promptCount`.
    public var promptCount: Int
    /// Position of the standalone space token right before the answer's first character —
    /// the distillation position (its next-token prediction is the first answer digit).
    public var answerAnchor: Int
    /// Student sequences only: the positions of the `<|CONTINUE|>` tokens. `<START>` sits at
    /// `lowerBound - 1` and `<|STOP|>` at `upperBound` (the model embeds it as `<END>`).
    public var latentPositions: Range<Int>?
}

extension Tokenizer {
    /// `<bos>` + `"Question: " + question`, and `<START>` when `latent` is true: the prompt
    /// given to the model at evaluation and RL time.
    public func prompt(question: String, latent: Bool) -> [Int] {
        [bosID] + encode(Prompts.question(question)) + (latent ? [startID] : [])
    }

    /// `" The answer is:"`, the space token, the answer, `<eos>`; also returns the space's
    /// offset inside the returned array.
    func answerTail(_ answer: String) -> (ids: [Int], anchorOffset: Int) {
        let head = encode(String(Prompts.answerPrefix.dropLast()))
        return (head + [spaceID] + encode(answer) + [eosID], head.count)
    }

    /// The CoT teacher sequence: `<bos>`, question, chain of thought, answer sentence, `<eos>`.
    public func teacherSequence(_ example: Example, dropLastStep: Bool = false) -> EncodedSequence {
        let prompt = prompt(question: example.question, latent: false)
        let body = prompt + encode(example.cotText(dropLastStep: dropLastStep))
        let tail = answerTail(example.answer)
        return EncodedSequence(
            ids: body + tail.ids, promptCount: prompt.count, answerAnchor: body.count + tail.anchorOffset,
            latentPositions: nil)
    }

    /// The No-CoT sequence: `<bos>`, question, answer sentence, `<eos>`.
    public func noCoTSequence(_ example: Example) -> EncodedSequence {
        let prompt = prompt(question: example.question, latent: false)
        let tail = answerTail(example.answer)
        return EncodedSequence(
            ids: prompt + tail.ids, promptCount: prompt.count, answerAnchor: prompt.count + tail.anchorOffset,
            latentPositions: nil)
    }

    /// The latent student sequence: `<bos>`, question, `<START>`, `latentSteps` ×
    /// `<|CONTINUE|>`, `<|STOP|>`, answer sentence, `<eos>`. `<START>` is the first target.
    ///
    /// With `writtenFrom` s < the step count (a curriculum stage, as in Coconut), reasoning steps
    /// s+1… are written out as text between `<|STOP|>` and the answer sentence: the latent steps
    /// stand in for the first s steps only.
    public func studentSequence(_ example: Example, latentSteps: Int, writtenFrom: Int = .max) -> EncodedSequence {
        let prompt = prompt(question: example.question, latent: false)
        let n = max(0, latentSteps)
        let latent = [startID] + Array(repeating: continueID, count: n) + [stopID]
        let written = writtenFrom < example.stepCount
            ? encode(Example(question: example.question, steps: Array(example.steps[max(0, writtenFrom)...]), answer: example.answer).cotText)
            : []
        let tail = answerTail(example.answer)
        let first = prompt.count + 1
        return EncodedSequence(
            ids: prompt + latent + written + tail.ids, promptCount: prompt.count,
            answerAnchor: prompt.count + latent.count + written.count + tail.anchorOffset,
            latentPositions: first..<(first + n))
    }
}

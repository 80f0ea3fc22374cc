// The `trace` object: one question answered by a model, with what it wrote on the way.

import Lang

/// A trace inside the language: `t.answer` (the number read after "The answer is:", as a
/// string, or nil), `t.text` (the decoded output), `t.latent_steps`, `t.stop_probs`, plus
/// `t.mode`, `t.question`, `t.tokens`.
public final class TraceObject: HostObject {
    public let question: String
    public let answer: String?
    public let text: String
    public let latentSteps: Int
    public let stopProbabilities: [Double]
    public let mode: String
    /// Number of tokens the model generated.
    public let tokenCount: Int

    public init(question: String, answer: String?, text: String, latentSteps: Int,
                stopProbabilities: [Double], mode: String, tokenCount: Int) {
        self.question = question
        self.answer = answer
        self.text = text
        self.latentSteps = latentSteps
        self.stopProbabilities = stopProbabilities
        self.mode = mode
        self.tokenCount = tokenCount
    }

    /// The fields the contract names, in order.
    var record: Record {
        ["answer": answer.map(Value.string) ?? .null, "text": .string(text),
         "latent_steps": .int(latentSteps), "stop_probs": .numbers(stopProbabilities)]
    }

    // MARK: HostObject

    public var typeName: String { "trace" }

    public var plainText: String { "trace" + Value.record(record).plainText }

    public var html: String? {
        Markup.fieldTable([
            ("question", Markup.escape(question)),
            ("answer", Markup.escape(answer ?? "nil")),
            ("text", Markup.escape(text)),
            ("mode", Markup.escape(mode)),
            ("latent_steps", "\(latentSteps)"),
            ("stop_probs", Markup.escape(Value.numbers(stopProbabilities).plainText)),
            ("tokens", "\(tokenCount)"),
        ])
    }

    public var fieldNames: [String] { ["answer", "text", "latent_steps", "stop_probs", "mode", "question", "tokens"] }

    public func field(_ name: String) throws -> Value? {
        switch name {
        case "mode": return .string(mode)
        case "question": return .string(question)
        case "tokens": return .int(tokenCount)
        default: return record[name]
        }
    }
}

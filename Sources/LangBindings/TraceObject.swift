// The `trace` object: one question answered by a model, with what it wrote on the way.

import Support
import Lang

/// A trace inside the language: `t.answer` (the number read after "The answer is:", as a
/// string, or nil), `t.text` (the decoded output), `t.latent_steps`, `t.stop_probs`, plus
/// `t.mode`, `t.question`, `t.tokens` and, in latent modes, `t.reads`: a table with one row per
/// binary position (step 0 is `<START>`, step k the k-th latent state) — its stop probability and
/// the tokens the output head reads it as.
public final class TraceObject: HostObject {
    /// What one latent state reads as (logit lens).
    public struct Read {
        public var step: Int
        public var stopProbability: Double
        public var tokens: [String]
        public var probabilities: [Double]
        /// What the model writes from the latent vector this position hands on (step lens).
        public var writes: String = ""
    }

    public let question: String
    public let answer: String?
    public let text: String
    public let latentSteps: Int
    public let stopProbabilities: [Double]
    public let mode: String
    /// Number of tokens the model generated.
    public let tokenCount: Int
    /// Per binary position in latent modes; empty otherwise.
    public let reads: [Read]

    public init(question: String, answer: String?, text: String, latentSteps: Int,
                stopProbabilities: [Double], mode: String, tokenCount: Int, reads: [Read] = []) {
        self.question = question
        self.answer = answer
        self.text = text
        self.latentSteps = latentSteps
        self.stopProbabilities = stopProbabilities
        self.mode = mode
        self.tokenCount = tokenCount
        self.reads = reads
    }

    /// The `reads` table: step, stop_prob, reads_as (top tokens), probs, writes (step lens).
    var readsTable: Table {
        Table(columns: ["step", "stop_prob", "reads_as", "probs", "writes"], rows: reads.map {
            [.int($0.step), .number($0.stopProbability), .strings($0.tokens), .numbers($0.probabilities), .string($0.writes)]
        })
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
        var out = Markup.fieldTable([
            ("question", TextFormat.htmlEscaped(question)),
            ("answer", TextFormat.htmlEscaped(answer ?? "nil")),
            ("text", TextFormat.htmlEscaped(text)),
            ("mode", TextFormat.htmlEscaped(mode)),
            ("latent_steps", "\(latentSteps)"),
            ("stop_probs", TextFormat.htmlEscaped(Value.numbers(stopProbabilities).plainText)),
            ("tokens", "\(tokenCount)"),
        ])
        if !reads.isEmpty, let table = readsTable.html {
            out += "\n<p>what each latent state reads as, and what the model writes from the vector it hands on</p>\n" + table
        }
        return out
    }

    public var fieldNames: [String] { ["answer", "text", "latent_steps", "stop_probs", "mode", "question", "tokens", "reads"] }

    public func field(_ name: String) throws -> Value? {
        switch name {
        case "mode": return .string(mode)
        case "question": return .string(question)
        case "tokens": return .int(tokenCount)
        case "reads": return .object(readsTable)
        default: return record[name]
        }
    }
}

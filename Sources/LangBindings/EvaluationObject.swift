// The `evaluation` object: accuracy and reasoning length of a model on a dataset.

import Support
import Lang
import Training

/// An evaluation inside the language: `e.accuracy` (0…1), `e.mean_length`, `e.lengths` (one per
/// example), `e.by_steps` (a table with columns `steps`, `count`, `accuracy`, `mean_length`),
/// `e.seconds`, plus `e.correct`, `e.outputs`, `e.mode`, `e.count` and, in latent modes,
/// `e.latent_steps` and `e.flops` (forward FLOPs, one per example).
public final class EvaluationObject: HostObject {
    public let result: EvaluationResult
    /// The mode as the language wrote it: `"cot"`, `"nocot"`, `"latent"` or a number.
    public let mode: String
    /// Examples asked for (more than `result.lengths.count` when stopped early).
    public let requested: Int

    /// Latent steps per example in latent modes; nil otherwise.
    public let latentSteps: [Int]?
    /// Forward FLOPs per example in latent modes; nil otherwise.
    public let flops: [Double]?

    public init(result: EvaluationResult, mode: String, requested: Int, latentSteps: [Int]? = nil, flops: [Double]? = nil) {
        self.result = result
        self.mode = mode
        self.requested = requested
        self.latentSteps = latentSteps
        self.flops = flops
    }

    var meanLatentSteps: Double? {
        latentSteps.map { $0.isEmpty ? 0 : Double($0.reduce(0, +)) / Double($0.count) }
    }

    /// The `by_steps` table.
    public var byStepsTable: Table {
        Table(columns: ["steps", "count", "accuracy", "mean_length"], rows: result.bySteps.map {
            [.int($0.steps), .int($0.count), .number($0.accuracy), .number($0.meanLength)]
        })
    }

    var evaluatedCount: Int { result.lengths.count }

    /// `evaluation(cot): accuracy 91.3% on 2,000 examples, mean length 8.2, 12.5 s`.
    var summary: String {
        var text = "evaluation(\(mode)): accuracy \(Markup.percent(result.accuracy)) on \(Markup.plural(evaluatedCount, "example"))"
        if evaluatedCount < requested { text += " of \(TextFormat.grouped(requested)) (stopped early)" }
        // The paper averages lengths over well-formatted outputs only; with none, say so
        // rather than show a mean of 0 beside lengths that are not 0.
        if result.wellFormatted.contains(true) {
            text += ", mean length \(Markup.short(result.meanLength))"
        } else {
            text += ", mean length — (no output has \"The answer is:\")"
        }
        if let mean = meanLatentSteps { text += " (\(Markup.short(mean)) latent steps)" }
        text += ", \(Markup.seconds(result.seconds))"
        return text
    }

    // MARK: HostObject

    public var typeName: String { "evaluation" }

    public var plainText: String {
        guard !result.bySteps.isEmpty else { return summary }
        return summary + "\n" + byStepsTable.plainText
    }

    public var html: String? {
        let rows = result.bySteps.map { b in
            [String(b.steps), TextFormat.grouped(b.count), Markup.percent(b.accuracy), Markup.short(b.meanLength)]
        }
        return "<p><b>\(TextFormat.htmlEscaped(summary))</b></p>\n"
            + Markup.table(columns: ["steps", "count", "accuracy", "mean_length"], rows: rows)
    }

    public var fieldNames: [String] {
        ["accuracy", "mean_length", "lengths", "by_steps", "seconds", "correct", "outputs", "mode", "count", "latent_steps", "flops"]
    }

    public func field(_ name: String) throws -> Value? {
        switch name {
        case "accuracy": return .number(result.accuracy)
        case "mean_length": return .number(result.meanLength)
        case "lengths": return .list(result.lengths.map { .int($0) })
        case "by_steps": return .object(byStepsTable)
        case "seconds": return .number(result.seconds)
        case "correct": return .list(result.correct.map { .bool($0) })
        case "outputs": return .strings(result.outputs)
        case "mode": return .string(mode)
        case "count": return .int(evaluatedCount)
        case "latent_steps": return latentSteps.map { .list($0.map { .int($0) }) } ?? .null
        case "flops": return flops.map { .list($0.map { .number($0) }) } ?? .null
        default: return nil
        }
    }
}

// The `dataset` object: a handle on an immutable Datasets.Dataset.

import Support
import Datasets
import Lang

/// A dataset inside the language. `data[i]` is a record `{question, steps, answer}`,
/// `data[2..<5]` a smaller dataset, `for ex in data` walks the records, `len(data)` counts them.
/// Renders as a summary line (text) and a table of the first rows (HTML).
public final class DatasetObject: HostObject {
    /// The examples.
    public let dataset: Dataset

    public init(_ dataset: Dataset) {
        self.dataset = dataset
    }

    /// Rows shown in renderings.
    static let shownTextRows = 3
    static let shownHTMLRows = 10

    /// The record of one example.
    static func record(_ example: Example) -> Value {
        .record(["question": .string(example.question), "steps": .strings(example.steps),
                 "answer": .string(example.answer)])
    }

    /// `1,000 examples, 1–4 steps (mean 2.5), from arith(…)`.
    var summary: String {
        var parts = [Markup.plural(dataset.count, "example")]
        let counts = dataset.countByStepCount
        if let lo = counts.keys.min(), let hi = counts.keys.max() {
            let total = counts.reduce(0) { $0 + $1.key * $1.value }
            let mean = Double(total) / Double(max(1, dataset.count))
            let range = lo == hi ? "\(lo)" : "\(lo)–\(hi)"
            parts.append("\(range) step\(hi == 1 ? "" : "s") (mean \(Markup.short(mean)))")
        }
        var text = "dataset: " + parts.joined(separator: ", ")
        if !dataset.source.isEmpty { text += ", from \(dataset.source)" }
        return text
    }

    // MARK: HostObject

    public var typeName: String { "dataset" }

    public var plainText: String {
        var lines = [summary]
        for (k, example) in dataset.prefix(Self.shownTextRows).enumerated() {
            let steps = example.steps.joined()
            lines.append("  [\(k)] \(Markup.clip(example.question, 70)) | \(Markup.clip(steps, 40)) | \(example.answer)")
        }
        if dataset.count > Self.shownTextRows { lines.append("  …") }
        return lines.joined(separator: "\n")
    }

    public var html: String? {
        let rows = dataset.prefix(Self.shownHTMLRows).enumerated().map { k, example in
            [String(k), TextFormat.htmlEscaped(example.question),
             TextFormat.htmlEscaped(example.steps.joined(separator: " ")), TextFormat.htmlEscaped(example.answer)]
        }
        let footer = dataset.count > Self.shownHTMLRows
            ? "first \(Self.shownHTMLRows) of \(TextFormat.grouped(dataset.count)) examples" : nil
        return "<p>\(TextFormat.htmlEscaped(summary))</p>\n"
            + Markup.table(columns: ["", "question", "steps", "answer"], rows: rows, footer: footer)
    }

    public var fieldNames: [String] { ["count", "source", "questions", "answers", "step_counts"] }

    public func field(_ name: String) throws -> Value? {
        switch name {
        case "count": return .int(dataset.count)
        case "source": return .string(dataset.source)
        case "questions": return .strings(dataset.map(\.question))
        case "answers": return .strings(dataset.map(\.answer))
        case "step_counts": return .list(dataset.map { .int($0.stepCount) })
        default: return nil
        }
    }

    public var count: Int? { dataset.count }

    public func element(at index: Int) throws -> Value {
        Self.record(dataset[index])
    }

    /// `data[a..<b]` (or `a...b`): the examples in that range, as a dataset.
    public func index(_ key: Value) throws -> Value {
        guard case .range(let r) = key else {
            throw RuntimeError(.typeError, "a dataset is indexed by a whole number or a range such as 0..<100, got \(key.typeName)")
        }
        let n = dataset.count
        func bound(_ x: Double) throws -> Int {
            guard x.isFinite, x == x.rounded() else {
                throw RuntimeError(.valueError, "a dataset slice needs whole-number bounds, got \(Markup.number(x))")
            }
            let i = Int(x)
            return i < 0 ? i + n : i
        }
        let lower = try bound(r.lower)
        let upper = try bound(r.upper) + (r.isClosed ? 1 : 0)
        guard lower >= 0, upper <= n, lower <= upper else {
            throw RuntimeError(.valueError, "the slice \(Value.range(r).plainText) is outside the dataset's \(n) examples (0..<\(n))")
        }
        return .object(DatasetObject(Dataset(Array(dataset[lower..<upper]), source: dataset.source)))
    }

    public func isEqual(to other: any HostObject) -> Bool {
        guard let other = other as? DatasetObject else { return false }
        return other === self || other.dataset == dataset
    }
}

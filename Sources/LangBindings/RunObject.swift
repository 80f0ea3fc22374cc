// The `run` object: what a training call did (losses, metrics, steps, time, interruption).

import Support
import Lang
import Plot
import Training

/// A training run inside the language: `r.loss` (a list, one value per step), `r.metrics`
/// (a record of per-step lists: `loss`, `lr`, `grad_norm`, `tokens_per_s`), `r.steps`,
/// `r.seconds`, `r.interrupted`. Renders as a summary line and, in HTML, a table and a loss curve.
public final class RunObject: HostObject {
    /// The trainer's result.
    public let run: TrainingRun
    /// The builtin that produced it (`"sft"`).
    public let kind: String
    /// The steps the call planned (equal to `run.steps` unless stopped early).
    public let plannedSteps: Int
    /// The settings the call used, as the language wrote them.
    public let settings: Record

    public init(run: TrainingRun, kind: String, plannedSteps: Int, settings: Record) {
        self.run = run
        self.kind = kind
        self.plannedSteps = plannedSteps
        self.settings = settings
    }

    /// `run(sft): 300 steps in 41.2 s, loss 2.31 → 0.412`.
    var summary: String {
        var text = "run(\(kind)): \(TextFormat.grouped(run.steps))"
        // A run planned on time alone (rl with `seconds:` and no `steps:`) has no real total.
        let bounded = plannedSteps < Int(Int32.max)
        if plannedSteps != run.steps && bounded { text += "/\(TextFormat.grouped(plannedSteps))" }
        text += " step\((bounded ? plannedSteps : run.steps) == 1 ? "" : "s") in \(Markup.seconds(run.seconds))"
        if let first = run.losses.first, let last = run.losses.last {
            text += run.losses.count == 1 ? ", loss \(Markup.short(first))" : ", loss \(Markup.short(first)) → \(Markup.short(last))"
        }
        if let step = run.metrics["best_step"]?.first, let accuracy = run.metrics["best_accuracy"]?.first,
           let length = run.metrics["best_length"]?.first {
            if let floor = run.metrics["selection_floor"]?.first {
                text += ", kept the shortest validation with accuracy ≥ \(Markup.short(floor)): length \(Markup.short(length)) "
                    + "at step \(Int(step)) (accuracy \(Markup.short(accuracy)))"
            } else {
                text += ", best validation accuracy \(Markup.short(accuracy)) at step \(Int(step)) (length \(Markup.short(length)))"
            }
        }
        if run.interrupted { text += ", interrupted" }
        return text
    }

    /// A small training curve of the loss, when there is one.
    var lossCurveSVG: String? {
        guard !run.losses.isEmpty else { return nil }
        return try? Chart.trainingCurve(values: run.losses, metric: "loss",
                                        options: ChartOptions(width: 360, height: 200)).svg
    }

    // MARK: HostObject

    public var typeName: String { "run" }
    public var plainText: String { summary }

    public var html: String? {
        var rows: [(String, String)] = [
            ("steps", plannedSteps < Int(Int32.max)
                ? "\(TextFormat.grouped(run.steps)) of \(TextFormat.grouped(plannedSteps))" : TextFormat.grouped(run.steps)),
            ("seconds", Markup.short(run.seconds)),
            ("interrupted", run.interrupted ? "true" : "false"),
        ]
        if let first = run.losses.first, let last = run.losses.last {
            rows.append(("loss", "\(Markup.short(first)) → \(Markup.short(last)) (min \(Markup.short(run.losses.min() ?? last)))"))
        }
        if !run.notes.isEmpty {
            rows.append(("notes", run.notes.map(TextFormat.htmlEscaped).joined(separator: "<br>")))
        }
        if !settings.keys.isEmpty {
            rows.append(("settings", TextFormat.htmlEscaped(Value.record(settings).plainText)))
        }
        var out = "<p><b>\(TextFormat.htmlEscaped(summary))</b></p>\n" + Markup.fieldTable(rows)
        if let svg = lossCurveSVG { out += "\n<div>\(svg)</div>" }
        return out
    }

    public var fieldNames: [String] { ["loss", "metrics", "steps", "seconds", "interrupted", "kind", "planned_steps", "settings", "notes"] }

    public func field(_ name: String) throws -> Value? {
        switch name {
        case "loss": return .numbers(run.losses)
        case "metrics":
            let ordered = ["loss", "lr", "grad_norm", "tokens_per_s"].filter { run.metrics[$0] != nil }
                + run.metrics.keys.sorted().filter { !["loss", "lr", "grad_norm", "tokens_per_s"].contains($0) }
            return .record(Record(ordered.map { ($0, Value.numbers(run.metrics[$0] ?? [])) }))
        case "steps": return .int(run.steps)
        case "seconds": return .number(run.seconds)
        case "interrupted": return .bool(run.interrupted)
        case "kind": return .string(kind)
        case "planned_steps": return .int(plannedSteps)
        case "settings": return .record(settings)
        case "notes": return .list(run.notes.map { .string($0) })
        default: return nil
        }
    }

    /// The per-step series called `metric`, for `curve(run, metric)`.
    func series(_ metric: String) -> [Double]? {
        metric == "loss" ? run.losses : run.metrics[metric]
    }

    /// The names `curve` accepts.
    var seriesNames: [String] {
        ["loss"] + run.metrics.keys.sorted().filter { $0 != "loss" }
    }
}

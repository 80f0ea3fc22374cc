// Plot builtins: hist, line, bar, scatter, heatmap, curve. Each returns a plot.

import Lang
import Plot

/// The Plots category of the contract. Every plot takes `title`, `xlabel` and `ylabel` labels.
enum PlotBuiltins {
    static let category = "Plots"

    static var all: [Builtin] { [hist, line, bar, scatter, heatmap, curve] }

    /// The label parameters every plot takes, with their defaults.
    static func labels(ylabel: String = "") -> [Builtin.Parameter] {
        [.init("title", default: ""), .init("xlabel", default: ""), .init("ylabel", default: .string(ylabel))]
    }

    static func options(_ args: Arguments) throws -> ChartOptions {
        ChartOptions(title: try args.string("title"), xLabel: try args.string("xlabel"), yLabel: try args.string("ylabel"))
    }

    /// Draws a chart, turning a plot error into a ValueError naming `argument`.
    static func draw(_ function: String, _ argument: String, _ body: () throws -> Chart) throws -> Value {
        .object(PlotObject(try EngineErrors.run(function, argument, body)))
    }

    static var hist: Builtin {
        Builtin(
            name: "hist", parameters: [.init("values"), .init("bins", default: 10)] + labels(ylabel: "count"),
            summary: "A histogram of a list of numbers. `bins` is a count (whole-number data keeps one-wide bins), "
                + "a list of bin edges, \"auto\", or a range of whole numbers such as 0...18 (one bar per whole number, "
                + "centred on its tick, the same axis whatever the data: use it to compare two histograms); a dashed "
                + "line marks the mean.",
            example: "hist(after.lengths, bins: 0...18, title: \"total reasoning length after RL\", xlabel: \"latent steps + 2\")",
            category: category
        ) { args, _ in
            let values = try args.numbers("values")
            let bins: HistogramBins
            switch args["bins"] {
            case .number:
                let n = try args.int("bins")
                guard (1...1000).contains(n) else { throw args.valueError("bins", "must be from 1 to 1000, got \(n)") }
                bins = .count(n)
            case .list: bins = .edges(try args.numbers("bins"))
            case .range(let r): bins = try integerBins(r, args)
            case .string("auto"): bins = .auto
            default: throw args.typeError("bins", expected: "a number of bins, a list of bin edges, \"auto\" or a range of whole numbers")
            }
            let options = try options(args)
            return try draw("hist", "values") { try Chart.histogram(values, bins: bins, options: options) }
        }
    }

    /// `lo...hi` (or `lo..<hi`) of whole numbers: one bin per whole number it walks through.
    static func integerBins(_ r: RangeValue, _ args: Arguments) throws -> HistogramBins {
        let shown = Value.range(r).plainText
        guard r.lower.isFinite, r.upper.isFinite, r.lower == r.lower.rounded(), r.upper == r.upper.rounded() else {
            throw args.valueError("bins", "a range of bins must run between whole numbers, got \(shown)")
        }
        let count = r.count
        guard (1...1000).contains(count) else {
            throw args.valueError("bins", "a range of bins must hold 1 to 1000 whole numbers, got \(shown) (\(count))")
        }
        let lo = Int(r.lower)
        return .integers(lo...(lo + count - 1))
    }

    static var line: Builtin {
        Builtin(
            name: "line", parameters: [.init("ys"), .init("more", default: .null)] + labels(),
            summary: "A line chart: line(ys) against 0, 1, 2, …; line(xs, ys); or line({name: ys, other: ys2}) "
                + "for several named series.",
            signature: "line(ys) · line(xs, ys) · line({name: ys, …}), title: \"\", xlabel: \"\", ylabel: \"\"",
            example: "line({cot: cot.loss, nocot: nocot.loss}, xlabel: \"step\", ylabel: \"loss\")",
            category: category
        ) { args, _ in
            let options = try options(args)
            let series: [Series]
            switch (args["ys"], args["more"]) {
            case (.record(let r), .null):
                series = try r.fields.map { key, value in
                    Series(key, ys: try numbers(value, function: "line", argument: "ys", what: "the series '\(key)'"))
                }
            case (_, .null):
                series = [Series(ys: try args.numbers("ys"))]
            case (_, .record(let r)):
                let xs = try numbers(args["ys"], function: "line", argument: "xs", what: "xs")
                series = try r.fields.map { key, value in
                    Series(key, xs: xs, ys: try numbers(value, function: "line", argument: "ys", what: "the series '\(key)'"))
                }
            default:
                let xs = try numbers(args["ys"], function: "line", argument: "xs", what: "xs")
                let ys = try numbers(args["more"], function: "line", argument: "ys", what: "ys")
                guard xs.count == ys.count else {
                    throw RuntimeError(.valueError, "line: arguments 'xs' and 'ys' must have the same length, got \(xs.count) and \(ys.count)")
                }
                series = [Series(xs: xs, ys: ys)]
            }
            return try draw("line", "ys") { try Chart.line(series, options: options) }
        }
    }

    /// A list (or range) of numbers, with an error naming the argument.
    static func numbers(_ value: Value, function: String, argument: String, what: String) throws -> [Double] {
        let names = ["x"]
        let args = Arguments(function: function, names: names, values: [value], given: [true])
        do {
            return try args.numbers("x")
        } catch {
            throw RuntimeError(.typeError, "\(function): argument '\(argument)': \(what) must be a list of numbers, got \(describe(value))")
        }
    }

    static func describe(_ value: Value) -> String {
        if case .list(let xs) = value, let bad = xs.first(where: { $0.numberValue == nil }) {
            return "a list holding a \(bad.typeName)"
        }
        return value.typeName
    }

    static var bar: Builtin {
        Builtin(
            name: "bar", parameters: [.init("labels"), .init("values", default: .null)] + labels(),
            summary: "A bar chart with one bar per label: bar(labels, values), or bar({label: value, …}).",
            signature: "bar(labels, values, title: \"\", xlabel: \"\", ylabel: \"\")",
            example: "bar([\"cot\", \"nocot\"], [cot.accuracy, nocot.accuracy], title: \"accuracy\")",
            category: category
        ) { args, _ in
            let options = try options(args)
            let labels: [String], values: [Double]
            switch (args["labels"], args["values"]) {
            case (.record(let r), .null):
                labels = r.keys
                values = try r.fields.map { key, value in
                    guard case .number(let x) = value else {
                        throw RuntimeError(.typeError, "bar: argument 'labels': the value of '\(key)' must be a number, got \(value.typeName)")
                    }
                    return x
                }
            case (.list(let xs), _):
                labels = xs.map(\.printText)
                guard !args["values"].isNull else {
                    throw RuntimeError(.typeError, "bar: missing argument 'values': pass bar(labels, values) or bar({label: value, …})")
                }
                values = try args.numbers("values")
            default:
                throw args.typeError("labels", expected: "a list of labels or a record {label: value, …}")
            }
            return try draw("bar", "values") { try Chart.bar(labels: labels, values: values, options: options) }
        }
    }

    static var scatter: Builtin {
        Builtin(
            name: "scatter", parameters: [.init("xs"), .init("ys")] + labels(),
            summary: "A scatter plot of points (xs[i], ys[i]).",
            example: "scatter([1, 2, 3, 4], [1, 4, 9, 16], xlabel: \"x\", ylabel: \"x²\")",
            category: category
        ) { args, _ in
            let xs = try args.numbers("xs"), ys = try args.numbers("ys")
            guard xs.count == ys.count else {
                throw RuntimeError(.valueError, "scatter: arguments 'xs' and 'ys' must have the same length, got \(xs.count) and \(ys.count)")
            }
            let options = try options(args)
            return try draw("scatter", "ys") { try Chart.scatter(xs: xs, ys: ys, options: options) }
        }
    }

    static var heatmap: Builtin {
        Builtin(
            name: "heatmap", parameters: [.init("rows")] + labels(),
            summary: "A heatmap of a matrix given as a list of equal-length lists of numbers (row 0 at the top).",
            example: "heatmap([[1, 2, 3], [4, 5, 6]], title: \"example\")",
            category: category
        ) { args, _ in
            let rows = try args.list("rows").enumerated().map { k, row in
                try numbers(row, function: "heatmap", argument: "rows", what: "row \(k)")
            }
            let options = try options(args)
            return try draw("heatmap", "rows") { try Chart.heatmap(rows, options: options) }
        }
    }

    static var curve: Builtin {
        Builtin(
            name: "curve", parameters: [.init("run"), .init("metric", default: "loss")] + labels(),
            summary: "A run's metric against its optimizer step, raw and smoothed. Metrics: \"loss\", \"lr\", "
                + "\"grad_norm\", \"tokens_per_s\".",
            signature: "curve(run, \"loss\", title: \"\", xlabel: \"\", ylabel: \"\")",
            example: "curve(r, \"loss\")",
            category: category
        ) { args, _ in
            let run = try args.object("run", as: RunObject.self, expected: "a run (from sft)")
            let metric = try args.string("metric")
            guard let values = run.series(metric) else {
                let names = run.seriesNames.map { Value.string($0).plainText }.joined(separator: ", ")
                throw args.valueError("metric", "\(Value.string(metric).plainText) is not recorded by this run; accepted: \(names)")
            }
            let options = try options(args)
            return try draw("curve", "run") {
                try Chart.trainingCurve(values: values, metric: metric, options: options)
            }
        }
    }
}

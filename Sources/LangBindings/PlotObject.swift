// The `plot` object: a finished chart, shown as SVG with a one-line text summary.

import Lang
import Plot

/// A plot inside the language. As a cell's result (or through `show(p)`) it renders
/// `image/svg+xml` with a one-line `text/plain` summary; `p.svg` is the SVG text, `p.summary`
/// the line, `p.kind` the chart kind; `save(p, "file.svg")` writes it.
public final class PlotObject: HostObject {
    public let chart: Chart

    public init(_ chart: Chart) {
        self.chart = chart
    }

    public var typeName: String { "plot" }
    public var plainText: String { "plot: " + chart.summary }
    public var svg: String? { chart.svg }
    public var fieldNames: [String] { ["svg", "summary", "kind"] }

    public func field(_ name: String) throws -> Value? {
        switch name {
        case "svg": return .string(chart.svg)
        case "summary": return .string(chart.summary)
        case "kind": return .string(chart.kind.rawValue)
        default: return nil
        }
    }

    public func isEqual(to other: any HostObject) -> Bool {
        guard let other = other as? PlotObject else { return false }
        return other.chart == chart
    }
}

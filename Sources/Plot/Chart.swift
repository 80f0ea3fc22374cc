// The public face of the plotting module: a finished chart (SVG text plus a one-line summary),
// the options every kind shares, and the error thrown for unusable input.
//
// Every kind is a static function on `Chart` (`Chart.histogram`, `.line`, `.bar`, `.scatter`,
// `.heatmap`, `.trainingCurve`). They take plain `[Double]` series and return standalone
// SVG 1.1. The same input always gives the same bytes.

import Foundation

/// How an axis maps data to position.
public enum AxisScale: String, Sendable, Equatable {
    /// Equal distances for equal differences.
    case linear
    /// Equal distances for equal ratios (base 10); only positive values can be shown.
    case log
}

/// Settings shared by every chart kind.
public struct ChartOptions: Sendable, Equatable {
    /// Drawn centred above the plot; empty for none.
    public var title: String
    /// Label under the x axis; empty for none.
    public var xLabel: String
    /// Label left of the y axis (rotated); empty for none.
    public var yLabel: String
    /// Width of the drawing in SVG user units (pixels at 100 %), 240 … 4000.
    public var width: Int
    /// Height of the drawing in SVG user units, 180 … 4000.
    public var height: Int
    /// Scale of the x axis (ignored by bar charts and heatmaps).
    public var xScale: AxisScale
    /// Scale of the y axis (ignored by heatmaps).
    public var yScale: AxisScale

    /// Creates options; every argument has a sensible default.
    public init(
        title: String = "", xLabel: String = "", yLabel: String = "",
        width: Int = 640, height: Int = 400,
        xScale: AxisScale = .linear, yScale: AxisScale = .linear
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
        self.xScale = xScale
        self.yScale = yScale
    }

    /// Throws when the size is outside what the layout can draw readably.
    func validated(_ kind: String) throws -> ChartOptions {
        guard (240...4000).contains(width), (180...4000).contains(height) else {
            throw PlotError("\(kind): size \(width)×\(height) is out of range; width must be 240…4000 and height 180…4000")
        }
        return self
    }
}

/// A finished chart.
public struct Chart: Sendable, Equatable {
    /// Which function drew it.
    public enum Kind: String, Sendable, Equatable {
        case histogram, line, bar, scatter, heatmap, trainingCurve = "curve"
    }

    /// The kind of chart.
    public let kind: Kind
    /// Standalone SVG 1.1 (UTF-8, no XML declaration, with a `viewBox`).
    public let svg: String
    /// One line for `text/plain`, e.g. `histogram of 2000 values, 11 bins, range 2…12, mean 4.1`.
    public let summary: String

    /// Creates a chart from already rendered parts.
    public init(kind: Kind, svg: String, summary: String) {
        self.kind = kind
        self.svg = svg
        self.summary = summary
    }

    /// Writes the SVG to `path` (UTF-8), replacing any file there.
    /// - Throws: `PlotError` naming the path when it cannot be written.
    public func write(toFile path: String) throws {
        do {
            try Data(svg.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PlotError("cannot write the plot to '\(path)': \(error.localizedDescription)")
        }
    }
}

/// Input a chart cannot be drawn from (empty data, mismatched lengths, nothing positive on a
/// log axis, …). The message names the chart kind and what was wrong.
public struct PlotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong and what would have been accepted.
    public let message: String

    /// Creates an error with the given message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

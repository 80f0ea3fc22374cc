// Line charts: one or more named series against x (their index when no x is given). Each series
// is one <path>, thinned to the pixel grid, so a 100,000-point series stays a few kilobytes.
// A non-finite point breaks the line there.

import Foundation

/// One named series of a line chart.
public struct Series: Sendable, Equatable {
    /// Shown in the legend (a single series with an empty name gets no legend).
    public var name: String
    /// Positions along x; `nil` means 0, 1, 2, ….
    public var xs: [Double]?
    /// Values along y.
    public var ys: [Double]

    /// Creates a series; `xs`, when given, must have as many values as `ys`.
    public init(_ name: String = "", xs: [Double]? = nil, ys: [Double]) {
        self.name = name
        self.xs = xs
        self.ys = ys
    }
}

/// Points of one series that can be drawn, split where unplottable points broke it.
struct PlottableSeries {
    var segments: [[(x: Double, y: Double)]] = []
    var count = 0
    var nonFinite = 0
    var nonPositive = 0
    var xRange = (lo: Double.infinity, hi: -Double.infinity)
    var yRange = (lo: Double.infinity, hi: -Double.infinity)

    init(xs: [Double], ys: [Double], logX: Bool, logY: Bool) {
        var current: [(x: Double, y: Double)] = []
        for (x, y) in zip(xs, ys) {
            if !x.isFinite || !y.isFinite {
                nonFinite += 1
            } else if (logX && x <= 0) || (logY && y <= 0) {
                nonPositive += 1
            } else {
                current.append((x, y))
                count += 1
                xRange = (min(xRange.lo, x), max(xRange.hi, x))
                yRange = (min(yRange.lo, y), max(yRange.hi, y))
                continue
            }
            if !current.isEmpty { segments.append(current) }
            current = []
        }
        if !current.isEmpty { segments.append(current) }
    }

    /// The segments in pixel coordinates, thinned to the plot's pixel columns.
    func pixelSegments(_ frame: Frame) -> [[PixelPoint]] {
        segments.map { segment in
            Thinning.thin(segment.map { PixelPoint(x: frame.x($0.x), y: frame.y($0.y)) }, columns: Int(frame.plotWidth))
        }
    }
}

extension Chart {
    /// A line chart of `ys` against 0, 1, 2, ….
    public static func line(_ ys: [Double], options: ChartOptions = ChartOptions()) throws -> Chart {
        try line([Series(ys: ys)], options: options)
    }

    /// A line chart of several series, each in its own Okabe–Ito colour, with a legend when
    /// there is more than one (or the one has a name). Short series also get point markers.
    /// - Throws: `PlotError` for no series, an empty series, mismatched `xs`/`ys` lengths, or
    ///   nothing plottable.
    public static func line(_ series: [Series], options: ChartOptions = ChartOptions()) throws -> Chart {
        let options = try options.validated("line")
        guard !series.isEmpty else { throw PlotError("line: no series given; pass a list of numbers or a record of lists") }
        var plottable: [PlottableSeries] = []
        for (index, s) in series.enumerated() {
            let label = s.name.isEmpty ? "series \(index + 1)" : "series '\(s.name)'"
            guard !s.ys.isEmpty else { throw PlotError("line: \(label) is empty; each series needs at least one value") }
            let xs = s.xs ?? s.ys.indices.map(Double.init)
            guard xs.count == s.ys.count else {
                throw PlotError("line: \(label) has \(xs.count) x values but \(s.ys.count) y values; they must match")
            }
            plottable.append(PlottableSeries(xs: xs, ys: s.ys, logX: options.xScale == .log, logY: options.yScale == .log))
        }
        let nonFinite = plottable.map(\.nonFinite).reduce(0, +)
        let nonPositive = plottable.map(\.nonPositive).reduce(0, +)
        let total = plottable.map(\.count).reduce(0, +)
        guard total > 0 else {
            throw PlotError("line: no point can be plotted (\(nonFinite) non-finite, \(nonPositive) not positive on a log axis)")
        }
        let notes = CleanSeries.notes(nonFinite: nonFinite, nonPositive: nonPositive, what: "points")
        let xLo = plottable.map(\.xRange.lo).min()!, xHi = plottable.map(\.xRange.hi).max()!
        let yLo = plottable.map(\.yRange.lo).min()!, yHi = plottable.map(\.yRange.hi).max()!
        let showLegend = series.count > 1 || !series[0].name.isEmpty
        let names = series.enumerated().map { $1.name.isEmpty ? "series \($0 + 1)" : $1.name }
        let frame = xyFrame(options: options, notes: notes, x: (xLo, xHi), y: (yLo, yHi),
                            rightExtra: showLegend ? Frame.legendRoom(names, options: options) : 0)

        var svg = SVGDocument(width: options.width, height: options.height)
        frame.drawGrid(&svg)
        for (index, s) in plottable.enumerated() {
            let color = Palette.color(index)
            let segments = s.pixelSegments(frame)
            svg.element("path", [("d", Thinning.pathData(segments)), ("fill", "none"), ("stroke", color),
                                 ("stroke-width", "2"), ("stroke-linejoin", "round"), ("stroke-linecap", "round")])
            if s.count <= 40 {
                svg.beginGroup([("fill", color)])
                for p in segments.joined() {
                    svg.element("circle", [("cx", fmt(p.x)), ("cy", fmt(p.y)), ("r", "3")])
                }
                svg.endGroup()
            }
        }
        frame.drawChrome(&svg)
        if showLegend {
            frame.drawLegend(&svg, entries: names.enumerated().map { ($1, Palette.color($0), true, 1) })
        }

        let what = series.count == 1
            ? "line chart of \(total) point\(total == 1 ? "" : "s")"
            : "line chart of \(series.count) series (\(names.joined(separator: ", "))), \(total) points"
        let summary = "\(what), x \(Summary.range(xLo, xHi)), y \(Summary.range(yLo, yHi))" + Summary.suffix(notes)
        return Chart(kind: .line, svg: svg.render(title: titleText(options, summary)), summary: summary)
    }

    /// The frame of an x–y chart: both axes numeric, padded around the data.
    static func xyFrame(
        options: ChartOptions, notes: [String], x: (Double, Double), y: (Double, Double), rightExtra: Double = 0
    ) -> Frame {
        Frame(
            options: options, notes: notes, rightExtra: rightExtra,
            makeX: { pixels in
                Axis.numeric(lo: x.0, hi: x.1, scale: options.xScale, pixels: pixels, fit: .pad) {
                    TextMetrics.width($0, size: Frame.tickSize)
                }
            },
            makeY: { pixels in
                Axis.numeric(lo: y.0, hi: y.1, scale: options.yScale, pixels: pixels, fit: .pad, spacing: 42) { _ in 14 }
            })
    }
}

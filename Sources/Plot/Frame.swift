// The layout every chart shares: margins sized to what is drawn in them (title, tick labels,
// axis labels, notes, a legend or colour bar on the right), the plot area, and the chrome —
// grid, axes, ticks, labels, title and notes.

import Foundation

/// Rough text metrics for the fallback font stack (DejaVu Sans is the widest of them).
enum TextMetrics {
    static func width(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.62
    }

    /// `text` cut to fit `width`, ending in `…` when cut.
    static func fitted(_ text: String, width: Double, size: Double) -> String {
        let fits = Int(width / (size * 0.62))
        guard text.count > fits else { return text }
        guard fits > 1 else { return "…" }
        return String(text.prefix(fits - 1)) + "…"
    }
}

struct Frame {
    static let tickSize = 11.0
    static let titleSize = 15.0
    static let labelSize = 12.0
    static let noteSize = 11.0

    let options: ChartOptions
    let notes: [String]
    /// The plot area in pixels.
    let left: Double, top: Double, right: Double, bottom: Double
    let xAxis: Axis
    let yAxis: Axis
    /// Whether x tick labels are drawn slanted (long category names).
    let slantedXLabels: Bool
    /// Whether the x axis shows categories (no vertical grid lines).
    let categoricalX: Bool

    var plotWidth: Double { right - left }
    var plotHeight: Double { bottom - top }

    func x(_ value: Double) -> Double { left + xAxis.fraction(value) * plotWidth }
    func y(_ value: Double) -> Double { bottom - yAxis.fraction(value) * plotHeight }

    /// Lays out a chart. `makeX` / `makeY` build the axes for a given length in pixels;
    /// `rightExtra` reserves room right of the plot (legend, colour bar).
    init(
        options: ChartOptions, notes: [String], rightExtra: Double = 0, categoricalX: Bool = false,
        makeX: (Double) -> Axis, makeY: (Double) -> Axis
    ) {
        self.options = options
        self.notes = notes
        self.categoricalX = categoricalX
        let width = Double(options.width), height = Double(options.height)
        let top = options.title.isEmpty ? 16.0 : 44.0
        var slanted = false
        var xAxis = makeX(width - 100 - rightExtra)
        var yAxis = makeY(height - top - 60)
        var left = 0.0, right = 0.0, bottom = 0.0
        // Two passes: the x labels' slant changes the height, which changes the y labels,
        // which change the left margin and so the width.
        for _ in 0..<2 {
            let xLabelHeight = slanted
                ? min(xAxis.labels.map { TextMetrics.width($0, size: Self.tickSize) }.max() ?? 0, 130) * 0.72 + 14
                : 20
            var bottomMargin = 8 + xLabelHeight
            if !options.xLabel.isEmpty { bottomMargin += 20 }
            bottomMargin += Double(notes.count) * 15
            bottom = height - bottomMargin
            yAxis = makeY(bottom - top)
            let widestY = yAxis.labels.map { TextMetrics.width($0, size: Self.tickSize) }.max() ?? 0
            left = 12 + (options.yLabel.isEmpty ? 0 : 22) + widestY + 8
            if slanted, let first = xAxis.labels.first {
                // A slanted first label reaches left of its tick by about 0.71 × its width.
                let reach = min(TextMetrics.width(first, size: Self.tickSize), 130) * 0.71
                let slot = (width - left - 16 - rightExtra) / Double(max(1, xAxis.ticks.count))
                left = max(left, reach - slot / 2 + 6)
            }
            let lastXLabel = TextMetrics.width(xAxis.labels.last ?? "", size: Self.tickSize)
            right = width - max(16, slanted ? 16 : lastXLabel / 2 + 6) - rightExtra
            xAxis = makeX(right - left)
            if categoricalX {
                let slot = (right - left) / Double(max(1, xAxis.ticks.count))
                let widest = xAxis.labels.map { TextMetrics.width($0, size: Self.tickSize) }.max() ?? 0
                slanted = widest + 6 > slot
            }
        }
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.slantedXLabels = slanted
    }

    /// Grid lines behind the data.
    func drawGrid(_ svg: inout SVGDocument, vertical: Bool = true) {
        svg.beginGroup([("stroke", "#e6e6e6"), ("stroke-width", "1")])
        for tick in yAxis.ticks {
            let py = y(tick)
            svg.element("line", [("x1", fmt(left)), ("y1", fmt(py)), ("x2", fmt(right)), ("y2", fmt(py))])
        }
        if vertical && !categoricalX {
            for tick in xAxis.ticks {
                let px = x(tick)
                svg.element("line", [("x1", fmt(px)), ("y1", fmt(top)), ("x2", fmt(px)), ("y2", fmt(bottom))])
            }
        }
        svg.endGroup()
    }

    /// Axes, ticks, tick labels, title, axis labels and notes, drawn over the data.
    func drawChrome(_ svg: inout SVGDocument, xTicks: Bool = true) {
        svg.beginGroup([("stroke", "#444444"), ("stroke-width", "1")])
        svg.element("line", [("x1", fmt(left)), ("y1", fmt(bottom)), ("x2", fmt(right)), ("y2", fmt(bottom))])
        svg.element("line", [("x1", fmt(left)), ("y1", fmt(top)), ("x2", fmt(left)), ("y2", fmt(bottom))])
        for tick in yAxis.ticks {
            svg.element("line", [("x1", fmt(left - 5)), ("y1", fmt(y(tick))), ("x2", fmt(left)), ("y2", fmt(y(tick)))])
        }
        if xTicks {
            for tick in xAxis.ticks {
                svg.element("line", [("x1", fmt(x(tick))), ("y1", fmt(bottom)), ("x2", fmt(x(tick))), ("y2", fmt(bottom + 5))])
            }
        }
        svg.endGroup()

        svg.beginGroup([("fill", "#333333"), ("font-size", fmt(Self.tickSize))])
        for (tick, label) in zip(yAxis.ticks, yAxis.labels) {
            svg.element("text", [("x", fmt(left - 8)), ("y", fmt(y(tick) + 4)), ("text-anchor", "end")], text: label)
        }
        if xTicks {
            for (tick, label) in zip(xAxis.ticks, xAxis.labels) {
                let px = x(tick)
                if slantedXLabels {
                    let shown = TextMetrics.fitted(label, width: 130, size: Self.tickSize)
                    svg.element("text", [
                        ("x", fmt(px)), ("y", fmt(bottom + 14)), ("text-anchor", "end"),
                        ("transform", "rotate(-45 \(fmt(px)) \(fmt(bottom + 14)))"),
                    ], text: shown)
                } else {
                    svg.element("text", [("x", fmt(px)), ("y", fmt(bottom + 18)), ("text-anchor", "middle")], text: label)
                }
            }
        }
        svg.endGroup()

        let width = Double(options.width), height = Double(options.height)
        if !options.title.isEmpty {
            let title = TextMetrics.fitted(options.title, width: width - 24, size: Self.titleSize)
            svg.text(title, x: width / 2, y: 27, anchor: "middle", size: Self.titleSize, weight: "bold", fill: "#111111")
        }
        let notesHeight = Double(notes.count) * 15
        if !options.xLabel.isEmpty {
            let label = TextMetrics.fitted(options.xLabel, width: plotWidth, size: Self.labelSize)
            svg.text(label, x: (left + right) / 2, y: height - notesHeight - 10, anchor: "middle", size: Self.labelSize)
        }
        if !options.yLabel.isEmpty {
            let label = TextMetrics.fitted(options.yLabel, width: plotHeight, size: Self.labelSize)
            svg.text(label, x: 18, y: (top + bottom) / 2, anchor: "middle", size: Self.labelSize, rotate: -90)
        }
        for (index, note) in notes.enumerated() {
            let line = TextMetrics.fitted(note, width: width - 24, size: Self.noteSize)
            let py = height - notesHeight + Double(index) * 15 + 8
            svg.text(line, x: width - 10, y: py, anchor: "end", size: Self.noteSize, fill: "#9a4a00")
        }
    }

    /// A legend: right of the plot, or (when `legendRoom(_:options:)` gave no room, in narrow
    /// charts) in the plot's top-right corner on a white box. `line` entries draw a stroke.
    func drawLegend(_ svg: inout SVGDocument, entries: [(name: String, color: String, line: Bool, opacity: Double)]) {
        let inside = right + 30 > Double(options.width)
        let names = entries.map { TextMetrics.fitted($0.name, width: inside ? plotWidth * 0.6 : 180, size: Self.tickSize) }
        let textWidth = names.map { TextMetrics.width($0, size: Self.tickSize) }.max() ?? 0
        let x0 = inside ? right - textWidth - 36 : right + 14
        if inside {
            svg.rect(x: x0 - 4, y: top + 2, width: textWidth + 36, height: Double(entries.count) * 18 + 4,
                     fill: "#ffffff", extra: [("fill-opacity", "0.85")])
        }
        for (index, entry) in entries.enumerated() {
            let py = top + 12 + Double(index) * 18
            if entry.line {
                svg.line(x0, py, x0 + 18, py, stroke: entry.color, width: 2.5,
                         extra: entry.opacity < 1 ? [("stroke-opacity", fmt(entry.opacity))] : [])
            } else {
                svg.rect(x: x0 + 3, y: py - 6, width: 12, height: 12, fill: entry.color)
            }
            svg.text(names[index], x: x0 + 24, y: py + 4, size: Self.tickSize, fill: "#333333")
        }
    }

    /// Room to reserve right of the plot for a legend: none in narrow charts (below 480 units),
    /// which draw it inside the plot instead.
    static func legendRoom(_ names: [String], options: ChartOptions) -> Double {
        options.width < 480 ? 0 : legendWidth(names)
    }

    /// Room a legend with these names needs right of the plot.
    static func legendWidth(_ names: [String]) -> Double {
        let widest = names.map { TextMetrics.width($0, size: tickSize) }.max() ?? 0
        return min(widest, 180) + 44
    }
}

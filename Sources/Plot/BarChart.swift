// Bar charts: one bar per label, from zero (or from the bottom of a log axis), with the value
// written above each bar when there is room.

import Foundation

extension Chart {
    /// A bar chart with one bar per label. Negative values hang below zero. Long labels are
    /// slanted; non-finite values leave their slot empty and are noted.
    /// - Throws: `PlotError` for empty or mismatched lists, or nothing plottable.
    public static func bar(labels: [String], values: [Double], options: ChartOptions = ChartOptions()) throws -> Chart {
        let options = try options.validated("bar")
        guard !values.isEmpty else { throw PlotError("bar: the data is empty; pass a list of labels and a list of numbers") }
        guard labels.count == values.count else {
            throw PlotError("bar: \(labels.count) labels but \(values.count) values; they must match")
        }
        guard values.count <= 1000 else { throw PlotError("bar: \(values.count) bars are too many to read; use at most 1000 (or a histogram)") }
        let logY = options.yScale == .log
        let clean = CleanSeries(values, log: logY)
        guard !clean.values.isEmpty else {
            throw PlotError("bar: no value can be plotted (\(clean.nonFinite) non-finite, \(clean.nonPositive) not positive on a log axis)")
        }
        let notes = CleanSeries.notes(nonFinite: clean.nonFinite, nonPositive: clean.nonPositive)
        let lo = clean.values.min()!, hi = clean.values.max()!
        let frame = Frame(
            options: options, notes: notes, categoricalX: true,
            makeX: { _ in Axis.categorical(labels: labels) },
            makeY: { pixels in
                logY
                    ? Axis.numeric(lo: lo, hi: hi, scale: .log, pixels: pixels, fit: .pad, spacing: 42) { _ in 14 }
                    : Axis.numeric(lo: min(0, lo), hi: max(0, hi), scale: .linear, pixels: pixels, fit: .extend, spacing: 42) { _ in 14 }
            })

        var svg = SVGDocument(width: options.width, height: options.height)
        frame.drawGrid(&svg)
        let slot = frame.plotWidth / Double(values.count)
        let barWidth = max(1, slot * 0.72)
        let baseline = logY ? frame.bottom : frame.y(0)
        let showValues = values.count <= 24
            && values.allSatisfy { !$0.isFinite || TextMetrics.width(NumberFormat.short($0), size: 10) <= slot }
        var valueLabels: [(String, Double, Double)] = []
        svg.beginGroup([("fill", Palette.color(0))])
        for (index, value) in values.enumerated() where value.isFinite && (!logY || value > 0) {
            let centre = frame.left + (Double(index) + 0.5) * slot
            let top = frame.y(value)
            svg.element("rect", [("x", fmt(centre - barWidth / 2)), ("y", fmt(min(top, baseline))),
                                 ("width", fmt(barWidth)), ("height", fmt(abs(baseline - top)))])
            if showValues {
                valueLabels.append((NumberFormat.short(value), centre, value < 0 && !logY ? top + 12 : top - 4))
            }
        }
        svg.endGroup()
        if !valueLabels.isEmpty {
            svg.beginGroup([("fill", "#333333"), ("font-size", "10"), ("text-anchor", "middle")])
            for (text, x, y) in valueLabels {
                svg.element("text", [("x", fmt(x)), ("y", fmt(max(y, frame.top - 2)))], text: text)
            }
            svg.endGroup()
        }
        frame.drawChrome(&svg)

        let summary = "bar chart of \(values.count) bar\(values.count == 1 ? "" : "s"), values \(Summary.range(lo, hi))"
            + Summary.suffix(notes)
        return Chart(kind: .bar, svg: svg.render(title: titleText(options, summary)), summary: summary)
    }
}

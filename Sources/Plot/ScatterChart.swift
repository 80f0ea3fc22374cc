// Scatter plots. Points that land on the same spot of a 2-pixel grid are drawn once, so the
// file size follows the covered area rather than the number of points.

import Foundation

extension Chart {
    /// A scatter plot of the pairs (`xs[i]`, `ys[i]`). Pairs with a non-finite coordinate (or a
    /// non-positive one on a log axis) are skipped and noted; the summary gives Pearson's r.
    /// - Throws: `PlotError` for empty or mismatched lists, or nothing plottable.
    public static func scatter(xs: [Double], ys: [Double], options: ChartOptions = ChartOptions()) throws -> Chart {
        let options = try options.validated("scatter")
        guard !xs.isEmpty else { throw PlotError("scatter: the data is empty; pass two lists of numbers of the same length") }
        guard xs.count == ys.count else {
            throw PlotError("scatter: xs has \(xs.count) values but ys has \(ys.count); they must match")
        }
        let data = PlottableSeries(xs: xs, ys: ys, logX: options.xScale == .log, logY: options.yScale == .log)
        guard data.count > 0 else {
            throw PlotError("scatter: no point can be plotted (\(data.nonFinite) non-finite, \(data.nonPositive) not positive on a log axis)")
        }
        let notes = CleanSeries.notes(nonFinite: data.nonFinite, nonPositive: data.nonPositive, what: "points")
        let frame = xyFrame(options: options, notes: notes, x: data.xRange, y: data.yRange)
        let points = Array(data.segments.joined())

        // One mark per occupied 2-pixel cell, in first-seen order (deterministic).
        var seen = Set<Int>()
        var marks: [PixelPoint] = []
        for p in points {
            let px = frame.x(p.x), py = frame.y(p.y)
            let key = Int((px / 2).rounded()) * 100_000 + Int((py / 2).rounded())
            if seen.insert(key).inserted { marks.append(PixelPoint(x: px, y: py)) }
        }

        var svg = SVGDocument(width: options.width, height: options.height)
        frame.drawGrid(&svg)
        let color = Palette.color(0)
        if marks.count <= 2000 {
            // Separate translucent circles: overlaps show as darker areas.
            svg.beginGroup([("fill", color), ("fill-opacity", "0.6")])
            for m in marks { svg.element("circle", [("cx", fmt(m.x)), ("cy", fmt(m.y)), ("r", "3")]) }
            svg.endGroup()
        } else {
            // Many points: one path of round dots (a zero-length segment with round caps).
            let d = marks.map { "M\(fmt($0.x)) \(fmt($0.y))h0" }.joined()
            svg.element("path", [("d", d), ("stroke", color), ("stroke-width", "4"), ("stroke-linecap", "round"),
                                 ("stroke-opacity", "0.7"), ("fill", "none")])
        }
        frame.drawChrome(&svg)

        var summary = "scatter plot of \(data.count) point\(data.count == 1 ? "" : "s"), "
            + "x \(Summary.range(data.xRange.lo, data.xRange.hi)), y \(Summary.range(data.yRange.lo, data.yRange.hi))"
        if let r = pearson(points) { summary += ", r = \(NumberFormat.fixed(r, decimals: 2))" }
        summary += Summary.suffix(notes)
        return Chart(kind: .scatter, svg: svg.render(title: titleText(options, summary)), summary: summary)
    }

    /// Pearson's correlation, or nil for fewer than three points or a constant coordinate.
    static func pearson(_ points: [(x: Double, y: Double)]) -> Double? {
        guard points.count >= 3 else { return nil }
        let n = Double(points.count)
        let mx = points.map(\.x).reduce(0, +) / n, my = points.map(\.y).reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for p in points {
            sxy += (p.x - mx) * (p.y - my)
            sxx += (p.x - mx) * (p.x - mx)
            syy += (p.y - my) * (p.y - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return max(-1, min(1, sxy / (sxx * syy).squareRoot()))
    }
}

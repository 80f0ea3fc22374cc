// Training curves: a metric against the optimizer step, the raw values drawn faintly and an
// exponentially smoothed line over them (debiased at the start, so it does not begin at zero).

import Foundation

extension Chart {
    /// A training curve of `values` (one per logged step) against `steps` (1, 2, … when nil).
    ///
    /// - Parameters:
    ///   - metric: the metric's name, used for the y label (when `options.yLabel` is empty), the
    ///     legend and the summary.
    ///   - smoothing: the weight of an exponential moving average, 0 ≤ w < 1 (0: no smoothing
    ///     line). `nil` picks one from the length: none below 20 points, then a window of
    ///     about 1/30 of the run.
    /// - Throws: `PlotError` for empty or mismatched lists, a bad smoothing weight, or nothing
    ///   plottable.
    public static func trainingCurve(
        steps: [Double]? = nil, values: [Double], metric: String = "loss", smoothing: Double? = nil,
        options: ChartOptions = ChartOptions()
    ) throws -> Chart {
        var options = try options.validated("curve")
        guard !values.isEmpty else { throw PlotError("curve: the run has no '\(metric)' values yet; train for at least one step") }
        let steps = steps ?? values.indices.map { Double($0 + 1) }
        guard steps.count == values.count else {
            throw PlotError("curve: \(steps.count) steps but \(values.count) '\(metric)' values; they must match")
        }
        if let smoothing, !(smoothing >= 0 && smoothing < 1) {
            throw PlotError("curve: smoothing must be at least 0 and below 1, got \(NumberFormat.short(smoothing))")
        }
        let weight = smoothing ?? automaticSmoothing(count: values.count)
        if options.xLabel.isEmpty { options.xLabel = "step" }
        if options.yLabel.isEmpty { options.yLabel = metric }

        let raw = PlottableSeries(xs: steps, ys: values, logX: options.xScale == .log, logY: options.yScale == .log)
        guard raw.count > 0 else {
            throw PlotError("curve: no '\(metric)' value can be plotted (\(raw.nonFinite) non-finite, \(raw.nonPositive) not positive on a log axis)")
        }
        let points = Array(raw.segments.joined())
        let smoothed = weight > 0 ? exponentialAverage(points, weight: weight) : []
        let notes = CleanSeries.notes(nonFinite: raw.nonFinite, nonPositive: raw.nonPositive)
        let legend = weight > 0 ? ["\(metric) (raw)", "\(metric) (smoothed)"] : []
        let frame = xyFrame(options: options, notes: notes, x: raw.xRange, y: raw.yRange,
                            rightExtra: legend.isEmpty ? 0 : Frame.legendRoom(legend, options: options))

        var svg = SVGDocument(width: options.width, height: options.height)
        frame.drawGrid(&svg)
        let color = Palette.color(0)
        svg.element("path", [("d", Thinning.pathData(raw.pixelSegments(frame))), ("fill", "none"), ("stroke", color),
                             ("stroke-width", weight > 0 ? "1.2" : "2"), ("stroke-opacity", weight > 0 ? "0.35" : "1"),
                             ("stroke-linejoin", "round")])
        if weight > 0 {
            let pixels = smoothed.map { PixelPoint(x: frame.x($0.x), y: frame.y($0.y)) }
            svg.element("path", [("d", Thinning.pathData([Thinning.thin(pixels, columns: Int(frame.plotWidth))])),
                                 ("fill", "none"), ("stroke", Palette.color(3)), ("stroke-width", "2.2"), ("stroke-linejoin", "round")])
        }
        frame.drawChrome(&svg)
        if !legend.isEmpty {
            frame.drawLegend(&svg, entries: [(legend[0], color, true, 0.35), (legend[1], Palette.color(3), true, 1)])
        }

        let last = points[points.count - 1]
        let best = points.min { $0.y < $1.y }!
        var summary = "training curve of \(metric) over \(raw.count) step\(raw.count == 1 ? "" : "s") "
            + "(\(Summary.range(raw.xRange.lo, raw.xRange.hi))), last \(NumberFormat.short(last.y)), "
            + "min \(NumberFormat.short(best.y)) at step \(NumberFormat.short(best.x))"
        if weight > 0 { summary += ", smoothing \(NumberFormat.short(weight))" }
        summary += Summary.suffix(notes)
        return Chart(kind: .trainingCurve, svg: svg.render(title: titleText(options, summary)), summary: summary)
    }

    /// No smoothing for short runs; otherwise a window of about a thirtieth of the run.
    static func automaticSmoothing(count: Int) -> Double {
        guard count >= 20 else { return 0 }
        let window = max(2, Double(count) / 30)
        return min(0.99, 1 - 1 / window)
    }

    /// Exponential moving average with bias correction: the first value is not pulled toward 0.
    static func exponentialAverage(_ points: [(x: Double, y: Double)], weight: Double) -> [(x: Double, y: Double)] {
        var average = 0.0, correction = 1.0
        return points.map { p in
            average = weight * average + (1 - weight) * p.y
            correction *= weight
            return (p.x, average / (1 - correction))
        }
    }
}

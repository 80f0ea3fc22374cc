// Histograms. By default the bins adapt to the data: whole-number data (reasoning lengths,
// step counts) gets one bar per integer centred on its tick; other data gets Freedman–Diaconis
// bins (never fewer than Sturges' rule) rounded to a nice width.

import Foundation

/// How a histogram divides its range.
public enum HistogramBins: Sendable, Equatable {
    /// Chosen from the data (one bin per integer for small whole-number ranges).
    case auto
    /// About this many equal bins (1 … 1000). Whole-number data keeps whole-number-wide bins
    /// centred on integers, so it may get fewer.
    case count(Int)
    /// Explicit, strictly increasing bin edges (at least two); values outside are noted.
    case edges([Double])
    /// One bin per whole number from `lowerBound` to `upperBound`, each centred on its integer,
    /// whatever the data: counts such as reasoning lengths on an axis fixed in advance, so that
    /// two histograms (before and after training) compare bar by bar. Values outside are noted.
    case integers(ClosedRange<Int>)
}

extension Chart {
    /// A histogram of `values`: bar heights count the values in each bin.
    ///
    /// Non-finite values (and, on a log x axis, non-positive ones) are skipped and counted in a
    /// note on the plot. A dashed line marks the mean.
    /// - Throws: `PlotError` when `values` is empty or nothing plottable remains, or `bins` is invalid.
    public static func histogram(_ values: [Double], bins: HistogramBins = .auto, options: ChartOptions = ChartOptions()) throws -> Chart {
        let options = try options.validated("histogram")
        guard !values.isEmpty else { throw PlotError("histogram: the data is empty; pass a list with at least one number") }
        let logX = options.xScale == .log
        let clean = CleanSeries(values, log: logX)
        guard !clean.values.isEmpty else {
            throw PlotError("histogram: none of the \(values.count) values can be plotted (\(droppedDescription(clean, logX: logX)))")
        }
        // Binning happens in the axis' own space: log10 of the values on a log axis.
        let data = logX ? clean.values.map(log10) : clean.values
        let integral = !logX && data.allSatisfy { $0 == $0.rounded() && abs($0) < 1e15 }
        let edges = try binEdges(data, bins: bins, integral: integral, log: logX)
        let wholeTicks: Bool = if case .integers = bins { true } else { integral }
        var counts = [Int](repeating: 0, count: edges.count - 1)
        var outside = 0
        for v in data {
            if let index = binIndex(v, edges: edges) { counts[index] += 1 } else { outside += 1 }
        }
        var notes = CleanSeries.notes(nonFinite: clean.nonFinite, nonPositive: clean.nonPositive)
        if outside > 0 { notes.append("\(outside) value\(outside == 1 ? "" : "s") outside the bin edges") }

        let shownEdges = logX ? edges.map { pow(10, $0) } : edges
        let maxCount = counts.max() ?? 0
        let logY = options.yScale == .log
        let firstEdge = shownEdges[0], lastEdge = shownEdges[shownEdges.count - 1]
        let margin = logX ? 0 : (lastEdge - firstEdge) * 0.02
        let frame = Frame(
            options: options, notes: notes,
            makeX: { pixels in
                Axis.numeric(lo: firstEdge - margin, hi: lastEdge + margin, scale: options.xScale, pixels: pixels,
                             fit: .exact, integerTicks: wholeTicks, spacing: wholeTicks ? 34 : 70) { TextMetrics.width($0, size: Frame.tickSize) }
            },
            makeY: { pixels in
                Axis.numeric(lo: logY ? 1 : 0, hi: Double(max(maxCount, 1)), scale: options.yScale, pixels: pixels,
                             fit: logY ? .pad : .extend, integerTicks: true, spacing: 42) { _ in 14 }
            })

        var svg = SVGDocument(width: options.width, height: options.height)
        frame.drawGrid(&svg)
        let baseline = logY ? frame.bottom : frame.y(0)
        let narrow = (frame.x(shownEdges[1]) - frame.x(shownEdges[0])) < 4
        var barAttributes: [(String, String)] = [("fill", Palette.color(0))]
        if !narrow { barAttributes += [("stroke", "#ffffff"), ("stroke-width", "1")] }
        svg.beginGroup(barAttributes)
        for (index, count) in counts.enumerated() where count > 0 {
            let x0 = frame.x(shownEdges[index]), x1 = frame.x(shownEdges[index + 1])
            let top = frame.y(Double(count))
            svg.element("rect", [("x", fmt(x0)), ("y", fmt(top)), ("width", fmt(x1 - x0)), ("height", fmt(baseline - top))])
        }
        svg.endGroup()

        let mean = clean.values.reduce(0, +) / Double(clean.values.count)
        let meanX = frame.x(mean)
        if meanX >= frame.left, meanX <= frame.right {
            svg.line(meanX, frame.top, meanX, frame.bottom, stroke: "#D55E00", width: 1.5, extra: [("stroke-dasharray", "5 3")])
            let label = "mean \(NumberFormat.short(mean))"
            let rightSide = meanX + TextMetrics.width(label, size: Frame.tickSize) + 8 < frame.right
            let labelWidth = TextMetrics.width(label, size: Frame.tickSize)
            svg.rect(x: rightSide ? meanX + 2 : meanX - labelWidth - 6, y: frame.top + 2, width: labelWidth + 4, height: 14,
                     fill: "#ffffff", extra: [("fill-opacity", "0.85")])
            svg.text(label, x: rightSide ? meanX + 4 : meanX - 4, y: frame.top + 13, anchor: rightSide ? "start" : "end",
                     size: Frame.tickSize, fill: "#9a3a00")
        }
        frame.drawChrome(&svg)

        let lo = clean.values.min() ?? 0, hi = clean.values.max() ?? 0
        let summary = "histogram of \(clean.values.count) value\(clean.values.count == 1 ? "" : "s"), "
            + "\(counts.count) bin\(counts.count == 1 ? "" : "s"), range \(Summary.range(lo, hi)), mean \(NumberFormat.short(mean))"
            + Summary.suffix(notes)
        return Chart(kind: .histogram, svg: svg.render(title: titleText(options, summary)), summary: summary)
    }

    /// The `<title>` of a chart: its title when it has one, then the summary.
    static func titleText(_ options: ChartOptions, _ summary: String) -> String {
        options.title.isEmpty ? summary : "\(options.title): \(summary)"
    }

    private static func droppedDescription(_ clean: CleanSeries, logX: Bool) -> String {
        var parts: [String] = []
        if clean.nonFinite > 0 { parts.append("\(clean.nonFinite) non-finite") }
        if clean.nonPositive > 0 { parts.append("\(clean.nonPositive) not positive, which a log scale cannot show") }
        return parts.joined(separator: ", ")
    }

    // MARK: - Binning

    /// Bin edges for `data` (already in axis space), ascending, at least two.
    static func binEdges(_ data: [Double], bins: HistogramBins, integral: Bool, log: Bool) throws -> [Double] {
        let lo = data.min()!, hi = data.max()!
        switch bins {
        case .edges(let given):
            guard given.count >= 2 else { throw PlotError("histogram: bins needs at least two edges, got \(given.count)") }
            guard given.allSatisfy(\.isFinite) else { throw PlotError("histogram: bin edges must be finite numbers") }
            guard zip(given, given.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw PlotError("histogram: bin edges must be strictly increasing")
            }
            if log {
                guard given.allSatisfy({ $0 > 0 }) else { throw PlotError("histogram: bin edges on a log scale must be positive") }
                return given.map(log10)
            }
            return given
        case .integers(let range):
            guard range.count <= 1000 else {
                throw PlotError("histogram: integer bins \(range.lowerBound)…\(range.upperBound) make \(range.count) bins, more than 1000")
            }
            guard !log else { throw PlotError("histogram: integer bins need a linear x axis, not a log scale") }
            return integerEdges(lo: Double(range.lowerBound), hi: Double(range.upperBound), width: 1)
        case .count(let n):
            guard (1...1000).contains(n) else { throw PlotError("histogram: bins must be 1…1000, got \(n)") }
            if integral {
                let width = max(1, ((hi - lo + 1) / Double(n)).rounded(.up))
                return integerEdges(lo: lo, hi: hi, width: width)
            }
            let (a, b) = Axis.widenDegenerate(lo, hi, scale: .linear)
            return (0...n).map { a + (b - a) * Double($0) / Double(n) }
        case .auto:
            if integral {
                if hi - lo + 1 <= 50 { return integerEdges(lo: lo, hi: hi, width: 1) }
                let width = max(1, Axis.niceCeiling(niceWidth(data, lo: lo, hi: hi)).rounded(.up))
                return integerEdges(lo: lo, hi: hi, width: width)
            }
            guard hi - lo > max(abs(lo), abs(hi)) * 1e-12 else {
                let (a, b) = Axis.widenDegenerate(lo, hi, scale: .linear)
                let half = (b - a) / 20
                return [lo - half, lo + half]
            }
            let width = Axis.niceStep(span: niceWidth(data, lo: lo, hi: hi), target: 1)
            let first = floor(lo / width) * width
            var edges = [first]
            while edges.last! <= hi && edges.count <= 400 {
                edges.append(first + Double(edges.count) * width)
            }
            return edges
        }
    }

    /// Freedman–Diaconis bin width, never wider than Sturges' rule gives.
    private static func niceWidth(_ data: [Double], lo: Double, hi: Double) -> Double {
        let sorted = data.sorted()
        let n = Double(sorted.count)
        let iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25)
        let sturges = (hi - lo) / (log2(n).rounded(.up) + 1)
        let fd = iqr > 0 ? 2 * iqr / cbrt(n) : sturges
        return max(min(fd, sturges), (hi - lo) / 200)
    }

    private static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let i = Int(position)
        let f = position - Double(i)
        return i + 1 < sorted.count ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i]
    }

    /// Edges at half-integers, `width` apart, so each bar is centred on whole numbers.
    private static func integerEdges(lo: Double, hi: Double, width: Double) -> [Double] {
        let first = lo - 0.5
        let count = Int(((hi + 0.5 - first) / width).rounded(.up))
        return (0...max(1, count)).map { first + Double($0) * width }
    }

    /// The bin holding `v`: bins are closed on the left, the last one also on the right.
    static func binIndex(_ v: Double, edges: [Double]) -> Int? {
        guard v >= edges[0], v <= edges[edges.count - 1] else { return nil }
        var lower = 0, upper = edges.count - 1
        while upper - lower > 1 {
            let mid = (lower + upper) / 2
            if v < edges[mid] { upper = mid } else { lower = mid }
        }
        return lower
    }
}

import Foundation
import Testing

@testable import Plot

/// Throws-check helper: the error is a PlotError whose message contains `fragment`.
func expectPlotError(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Chart) {
    do {
        let chart = try body()
        Issue.record("expected an error containing '\(fragment)', got a chart: \(chart.summary)", sourceLocation: sourceLocation)
    } catch let error as PlotError {
        #expect(error.message.contains(fragment), "message: \(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
    }
}

/// The text of every `<text>` element, in order.
func texts(_ svg: String) -> [String] {
    svg.components(separatedBy: "<text").dropFirst().compactMap { part in
        guard let open = part.firstIndex(of: ">"), let close = part.range(of: "</text>") else { return nil }
        return String(part[part.index(after: open)..<close.lowerBound])
    }
}

@Suite("Edge cases")
struct EdgeCaseTests {
    @Test("empty data is an error that says so, for every kind")
    func emptyData() {
        expectPlotError("empty") { try Chart.histogram([]) }
        expectPlotError("empty") { try Chart.line([Double]()) }
        expectPlotError("no series") { try Chart.line([Series]()) }
        expectPlotError("empty") { try Chart.bar(labels: [], values: []) }
        expectPlotError("empty") { try Chart.scatter(xs: [], ys: []) }
        expectPlotError("empty") { try Chart.heatmap([]) }
        expectPlotError("empty") { try Chart.heatmap([[]]) }
        expectPlotError("no 'loss' values") { try Chart.trainingCurve(values: []) }
    }

    @Test("mismatched lengths name both counts")
    func mismatched() {
        expectPlotError("3 values but ys has 2") { try Chart.scatter(xs: [1, 2, 3], ys: [1, 2]) }
        expectPlotError("2 labels but 3 values") { try Chart.bar(labels: ["a", "b"], values: [1, 2, 3]) }
        expectPlotError("row 1 has 1 values") { try Chart.heatmap([[1, 2], [3]]) }
        expectPlotError("series 'b' has 2 x values but 3 y values") {
            try Chart.line([Series("a", ys: [1]), Series("b", xs: [1, 2], ys: [1, 2, 3])])
        }
        expectPlotError("smoothing must be") { try Chart.trainingCurve(values: [1, 2], smoothing: 1) }
        expectPlotError("size") { try Chart.line([1, 2], options: ChartOptions(width: 10)) }
    }

    @Test("a single value draws one bar and a finite axis")
    func singleValue() throws {
        let chart = try Chart.histogram([3])
        #expect(chart.summary == "histogram of 1 value, 1 bin, range 3…3, mean 3")
        #expect(XMLCheck.structure(chart.svg) == [])
        #expect(texts(chart.svg).contains("3"))
        let line = try Chart.line([42])
        #expect(line.svg.contains("<circle"))
        #expect(!line.svg.contains("nan") && !line.svg.contains("inf"))
    }

    @Test("all-equal values get a non-zero range around them", arguments: [0.0, 7, -2.5, 1e9, 1e-9])
    func allEqual(value: Double) throws {
        for chart in [try Chart.histogram([Double](repeating: value, count: 50)),
                      try Chart.line([Double](repeating: value, count: 50)),
                      try Chart.scatter(xs: [value, value], ys: [value, value]),
                      try Chart.heatmap([[value, value], [value, value]])] {
            #expect(XMLCheck.structure(chart.svg) == [], "\(chart.kind)")
            let labels = texts(chart.svg)
            #expect(Set(labels).count >= 3, "\(chart.kind): \(labels)")
        }
    }

    @Test("non-finite values are skipped and counted in a note on the plot")
    func nonFinite() throws {
        let values: [Double] = [1, 2, .nan, 3, .infinity, 2, -.infinity]
        let chart = try Chart.histogram(values)
        #expect(texts(chart.svg).contains("3 non-finite values skipped"))
        #expect(chart.summary.hasPrefix("histogram of 4 values"))
        #expect(chart.summary.hasSuffix("; 3 non-finite values skipped"))
        let line = try Chart.line([1, .nan, 3, 4])
        #expect(texts(line.svg).contains("1 non-finite point skipped"))
        // The NaN breaks the line into two pieces.
        let path = line.svg.components(separatedBy: "<path d=\"")[1].prefix { $0 != "\"" }
        #expect(path.filter { $0 == "M" }.count == 2)
        expectPlotError("none of the 2 values") { try Chart.histogram([.nan, .infinity]) }
        let heat = try Chart.heatmap([[1, .nan], [3, 4]])
        #expect(texts(heat.svg).contains("1 non-finite cell left blank"))
    }

    @Test("huge and tiny ranges get readable tick labels", arguments: [1e9, 1e-9, -1e9])
    func extremeRanges(scale: Double) throws {
        let chart = try Chart.line((0...20).map { Double($0) * scale })
        let labels = texts(chart.svg)
        #expect(labels.allSatisfy { $0.count <= 8 }, "\(labels)")
        let expected = scale > 0 ? (scale > 1 ? "1e10" : "1e-8") : "-1e10"
        #expect(labels.contains(expected), "\(labels)")
        #expect(chart.summary.contains(scale > 1 ? "2e10" : (scale > 0 ? "2e-8" : "-2e10")), "\(chart.summary)")
    }

    @Test("negative ranges and values straddling zero")
    func negatives() throws {
        let chart = try Chart.bar(labels: ["a", "b", "c"], values: [-3, 1.5, 4])
        let labels = texts(chart.svg)
        #expect(labels.contains("-3") && labels.contains("0") && labels.contains("4"), "\(labels)")
        let hist = try Chart.histogram([-5, -4, -4, -3, -1])
        #expect(hist.summary == "histogram of 5 values, 5 bins, range -5…-1, mean -3.4")
    }

    @Test("a log axis skips non-positive values with a note, and fails when nothing is left")
    func logScale() throws {
        let chart = try Chart.line([0, 1, 10, 100, -5], options: ChartOptions(yScale: .log))
        #expect(texts(chart.svg).contains("2 non-positive points skipped (log scale)"))
        #expect(texts(chart.svg).contains("10") && texts(chart.svg).contains("100"))
        expectPlotError("not positive") { try Chart.scatter(xs: [1, 2], ys: [0, -1], options: ChartOptions(yScale: .log)) }
        expectPlotError("log scale") { try Chart.histogram([0, -1], options: ChartOptions(xScale: .log)) }
        let logHist = try Chart.histogram((1...1000).map { Double($0) }, options: ChartOptions(xScale: .log))
        #expect(texts(logHist.svg).contains("100"))
    }

    @Test("text is XML-escaped")
    func escaping() throws {
        let chart = try Chart.bar(labels: ["<b>&\"'", "ok"], values: [1, 2],
                                  options: ChartOptions(title: "a < b & c", xLabel: "\u{1}ctrl"))
        #expect(chart.svg.contains("&lt;b&gt;&amp;&quot;&apos;"))
        #expect(chart.svg.contains("a &lt; b &amp; c"))
        #expect(XMLCheck.structure(chart.svg) == [])
        if XMLCheck.xmllint != nil { #expect(try XMLCheck.lint(chart.svg) == "") }
    }

    @Test("explicit bins: counts, edges, and their errors")
    func explicitBins() throws {
        let data = (0..<100).map { Double($0) / 10 }
        #expect(try Chart.histogram(data, bins: .count(5)).summary.contains("5 bins"))
        let edges = try Chart.histogram([1, 2, 3, 50], bins: .edges([0, 2, 4]))
        #expect(edges.summary.contains("2 bins") && texts(edges.svg).contains("1 value outside the bin edges"))
        expectPlotError("strictly increasing") { try Chart.histogram([1], bins: .edges([0, 0, 1])) }
        expectPlotError("bins must be 1…1000") { try Chart.histogram([1], bins: .count(0)) }
        // Whole numbers keep whole-number-wide bins: 2…12 in at most 10 bins → width 2.
        let lengths = (2...12).map(Double.init)
        #expect(try Chart.histogram(lengths, bins: .count(10)).summary.contains("6 bins"))
    }

    @Test("a fixed range of integer bins: one bar per whole number, whatever the data")
    func fixedIntegerBins() throws {
        let single = try Chart.histogram([Double](repeating: 8, count: 200), bins: .integers(0...10))
        #expect(single.summary.contains("11 bins"), "\(single.summary)")
        let ticks = texts(single.svg)
        #expect(["0", "2", "8", "10"].allSatisfy(ticks.contains), "\(ticks)")
        #expect(!ticks.contains("0.5") && !ticks.contains("7.5"))
        let outside = try Chart.histogram([1, 1, 2, 9], bins: .integers(0...3))
        #expect(outside.summary.contains("4 bins") && texts(outside.svg).contains("1 value outside the bin edges"))
        expectPlotError("more than 1000") { try Chart.histogram([1], bins: .integers(0...1000)) }
        expectPlotError("linear x axis") { try Chart.histogram([1], bins: .integers(1...3), options: ChartOptions(xScale: .log)) }
    }

    @Test("integer data gets one bin per integer, centred on its tick")
    func integerBins() throws {
        let chart = try Chart.histogram(Fixtures.reasoningLengths())
        #expect(chart.summary.contains("11 bins") || chart.summary.contains("10 bins"), "\(chart.summary)")
        let hist = try Chart.histogram([2, 3, 3, 4])
        #expect(hist.summary.contains("3 bins"))
        #expect(["2", "3", "4"].allSatisfy(texts(hist.svg).contains))
    }
}

import Foundation
import Testing

@testable import Plot

@Suite("Axes and number formatting")
struct AxisTests {
    let width: (String) -> Double = { TextMetrics.width($0, size: 11) }

    @Test("ticks fall on 1-2-5 steps inside the range")
    func niceTicks() {
        let axis = Axis.numeric(lo: 0, hi: 0.85, scale: .linear, pixels: 300, fit: .exact, spacing: 42, labelExtent: width)
        #expect(axis.labels == ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8"])
        let wide = Axis.numeric(lo: 3, hi: 1234, scale: .linear, pixels: 500, fit: .exact, labelExtent: width)
        #expect(wide.labels == ["200", "400", "600", "800", "1000", "1200"])
    }

    @Test("extend widens to the nearest ticks outside the data")
    func extend() {
        let axis = Axis.numeric(lo: 0, hi: 447, scale: .linear, pixels: 300, fit: .extend, spacing: 42, labelExtent: width)
        #expect(axis.lo == 0 && axis.hi == 450)
        #expect(axis.labels.last == "450")
    }

    @Test("labels never collide on a narrow axis")
    func collisions() throws {
        let axis = Axis.numeric(lo: 1_000_000, hi: 9_000_000, scale: .linear, pixels: 150, fit: .exact, labelExtent: width)
        try #require(axis.ticks.count >= 2)
        let spacing = 150 * (axis.ticks[1] - axis.ticks[0]) / (axis.hi - axis.lo)
        #expect(spacing >= (axis.labels.map(width).max() ?? 0))
    }

    @Test("log axes tick at powers of ten, or 1-2-5 over few decades")
    func logTicks() {
        let many = Axis.numeric(lo: 1e-3, hi: 1e6, scale: .log, pixels: 500, fit: .exact, labelExtent: width)
        #expect(many.labels == ["0.01", "1", "100", "10000", "1e6"])
        let few = Axis.numeric(lo: 0.1, hi: 2.5, scale: .log, pixels: 300, fit: .exact, spacing: 42) { _ in 14 }
        #expect(few.labels == ["0.1", "0.2", "0.5", "1", "2"])
    }

    @Test("number forms: fixed, exponent, short")
    func formats() {
        #expect(NumberFormat.tickLabels([1e9, 1.5e9, 2e9], step: 5e8) == ["1e9", "1.5e9", "2e9"])
        #expect(NumberFormat.tickLabels([-0.2, 0, 0.2], step: 0.2) == ["-0.2", "0", "0.2"])
        #expect(NumberFormat.short(4.1234) == "4.12")
        #expect(NumberFormat.short(2000) == "2000")
        #expect(NumberFormat.short(0.012345) == "0.0123")
        #expect(NumberFormat.short(1.234e10) == "1.23e10")
        #expect(NumberFormat.short(-3e-9) == "-3e-9")
        #expect(NumberFormat.fixed(-0.0001, decimals: 2) == "0.00")
        #expect(fmt(12.25) == "12.3" || fmt(12.25) == "12.2")
        #expect(fmt(-0.01) == "0" && fmt(3) == "3")
    }

    @Test("thinning keeps each pixel column's extremes")
    func thinning() {
        let points = (0..<10_000).map { PixelPoint(x: Double($0) / 100, y: sin(Double($0) / 50) * 50) }
        let thin = Thinning.thin(points, columns: 100)
        #expect(thin.count <= 4 * 101)
        #expect(thin.map(\.y).max() == points.map(\.y).max())
        #expect(thin.map(\.y).min() == points.map(\.y).min())
        #expect(thin.first == points.first && thin.last == points.last)
    }
}

@Suite("Size follows the picture, not the data")
struct SizeTests {
    @Test("a 100,000-point line stays small: one path per series")
    func hundredThousandPoints() throws {
        var random = FixtureRandom(seed: 9)
        var walk = 0.0
        let ys = (0..<100_000).map { _ in walk += random.normal(); return walk }
        let chart = try Chart.line([Series("walk", ys: ys), Series("flat", ys: ys.map { $0 / 2 })])
        #expect(chart.svg.utf8.count < 70_000, "\(chart.svg.utf8.count) bytes")
        #expect(chart.svg.components(separatedBy: "<path").count - 1 == 2)
        let curve = try Chart.trainingCurve(values: ys.map { abs($0) + 1 }, options: ChartOptions(yScale: .log))
        #expect(curve.svg.utf8.count < 70_000, "\(curve.svg.utf8.count) bytes")
    }

    @Test("a 100,000-point scatter and a 1000×1000 heatmap stay bounded")
    func bigScatterAndHeatmap() throws {
        var random = FixtureRandom(seed: 4)
        let xs = (0..<100_000).map { _ in random.normal() }
        let ys = xs.map { $0 + random.normal() * 0.3 }
        let scatter = try Chart.scatter(xs: xs, ys: ys)
        #expect(scatter.svg.utf8.count < 400_000, "\(scatter.svg.utf8.count) bytes")
        let rows = (0..<1000).map { r in (0..<1000).map { c in Double(r * c % 97) } }
        let heat = try Chart.heatmap(rows)
        #expect(heat.svg.utf8.count < 600_000, "\(heat.svg.utf8.count) bytes")
        #expect(heat.summary.contains("blocks"))
    }
}

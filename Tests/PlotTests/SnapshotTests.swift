import Foundation
import Testing

@testable import Plot

@Suite("Every chart kind, against its reference SVG")
struct SnapshotTests {
    @Test("matches the snapshot", arguments: Fixtures.all.map(\.name))
    func snapshot(name: String) throws {
        let chart = try Fixtures.all.first { $0.name == name }!.make()
        try Snapshot.check(chart, name)
    }

    @Test("is well-formed per xmllint", .enabled(if: XMLCheck.xmllint != nil, "xmllint is not installed"),
          arguments: Fixtures.all.map(\.name))
    func xmllint(name: String) throws {
        let chart = try Fixtures.all.first { $0.name == name }!.make()
        #expect(try XMLCheck.lint(chart.svg) == "")
    }

    @Test("has the structure of a standalone SVG 1.1 chart", arguments: Fixtures.all.map(\.name))
    func structure(name: String) throws {
        let chart = try Fixtures.all.first { $0.name == name }!.make()
        #expect(XMLCheck.structure(chart.svg) == [])
        #expect(chart.svg.contains("font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""))
        #expect(!chart.summary.isEmpty && !chart.summary.contains("\n"))
    }

    @Test("is the same bytes every time", arguments: Fixtures.all.map(\.name))
    func determinism(name: String) throws {
        let make = Fixtures.all.first { $0.name == name }!.make
        #expect(try make().svg == make().svg)
    }

    @Test("summaries say what is drawn")
    func summaries() throws {
        let histogram = try Fixtures.all[0].make()
        #expect(histogram.summary.hasPrefix("histogram of 2000 values, "))
        #expect(histogram.summary.contains("range 2…"))
        let line = try Fixtures.all.first { $0.name == "line" }!.make()
        #expect(line.summary.hasPrefix("line chart of 3 series (latent, chain of thought, no CoT), 150 points"))
    }
}

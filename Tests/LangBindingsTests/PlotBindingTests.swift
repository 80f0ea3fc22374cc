// Plot builtins from the language: each returns a plot that renders image/svg+xml.

import Foundation
import Lang
import Testing

@Suite struct PlotBindingTests {
    static let calls = [
        "hist([1, 2, 2, 3, 3, 3, 4], bins: 4, title: \"t\")",
        "hist([0.5, 1.5, 2.25], bins: \"auto\")",
        "hist([8, 8, 7, 5], bins: 0...12, title: \"lengths\", xlabel: \"latent steps + 2\")",
        "line([3, 2, 1.5, 1.2])",
        "line([0, 1, 2], [4, 5, 7], xlabel: \"x\")",
        "line({a: [1, 2, 3], b: [3, 2, 1]})",
        "bar([\"x\", \"y\"], [1, 2])",
        "bar({cot: 0.9, nocot: 0.4})",
        "scatter([1, 2, 3], [3, 1, 2])",
        "heatmap([[1, 2], [3, 4]])",
    ]

    @Test(arguments: calls) func plotRendersSVG(_ call: String) throws {
        let s = engineSession()
        let outcome = s.execute(call, host: RecordingHost())
        #expect(outcome.error == nil, "\(call): \(String(describing: outcome.error))")
        let bundle = try #require(outcome.result)
        #expect(bundle.svg?.hasPrefix("<svg") == true)
        #expect(bundle.plain.hasPrefix("plot: "))
        #expect(!bundle.plain.contains("\n"))
        #expect(s.ok("type(\(call))") == "\"plot\"")
    }

    @Test func showDisplaysThePlot() {
        let s = engineSession()
        let (_, host) = s.run("p = line([1, 2, 3])\nshow(p)")
        let svgDisplays = host.events.filter { if case .display(let b, _) = $0 { return b.svg != nil } else { return false } }
        #expect(svgDisplays.count == 1)
    }

    @Test func savePlotWritesSVG() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p.svg").path
        let s = engineSession()
        s.ok("save(bar([\"a\"], [1]), \"\(path)\")")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("<svg"))
        #expect(s.fails("save(line([1, 2]), \"\(dir.path)\")", "IOError").contains("directory"))
    }

    @Test func plotErrorsNameTheFunctionAndArgument() {
        let s = engineSession()
        #expect(s.fails("hist([])", "ValueError").hasPrefix("hist: argument 'values'"))
        #expect(s.fails("hist(\"abc\")", "TypeError").contains("hist: argument 'values' must be a list of numbers"))
        #expect(s.fails("hist([1, 2], bins: 0)", "ValueError").contains("argument 'bins'"))
        #expect(s.fails("hist([1, 2], bins: 0.5...3)", "ValueError").contains("whole numbers"))
        #expect(s.fails("hist([1, 2], bins: 3...1)", "ValueError").contains("1 to 1000 whole numbers"))
        #expect(s.fails("hist([1, 2], bins: true)", "TypeError").contains("a range of whole numbers"))
        #expect(s.fails("line([1, 2], [1])", "ValueError").contains("same length"))
        #expect(s.fails("line({a: [1], b: \"x\"})", "TypeError").contains("the series 'b'"))
        #expect(s.fails("bar([\"a\", \"b\"], [1])", "ValueError").hasPrefix("bar:"))
        #expect(s.fails("scatter([1], [1, 2])", "ValueError").contains("scatter"))
        #expect(s.fails("heatmap([[1, 2], [3]])", "ValueError").hasPrefix("heatmap:"))
        #expect(s.fails("curve([1, 2])", "TypeError").contains("curve: argument 'run' must be a run"))
    }
}

import Foundation
import Lang
import Testing

@testable import REPL

@Suite("Text rendering of output events")
struct TextRendererTests {
    @Test("streams go to their stream unchanged; results get their own line")
    func streamsAndResults() {
        let output = RecordingOutput()
        let renderer = TextRenderer(output: output, plots: PlotFiles(directory: temporaryFolder()))
        renderer.emit(.stream(.stdout, "hello\n"))
        renderer.emit(.stream(.stderr, "careful\n"))
        renderer.emit(.stream(.stdout, "no newline"))
        renderer.finish(ExecutionOutcome(result: MimeBundle(plain: "42")), showResult: true)
        #expect(output.stdout == "hello\nno newline\n42\n")
        #expect(output.stderr == "careful\n")
    }

    @Test("a script's result is not shown")
    func resultHidden() {
        let output = RecordingOutput()
        let renderer = TextRenderer(output: output)
        renderer.finish(ExecutionOutcome(result: MimeBundle(plain: "42")), showResult: false)
        #expect(output.stdout.isEmpty)
    }

    @Test("a plot prints its summary and the path of the SVG file written for it")
    func plots() throws {
        let folder = temporaryFolder()
        let output = RecordingOutput()
        let renderer = TextRenderer(output: output, plots: PlotFiles(directory: folder))
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
        renderer.emit(.display(MimeBundle(plain: "histogram of 3 values", svg: svg), id: nil))
        renderer.finish(ExecutionOutcome(result: MimeBundle(plain: "line chart of 2 points", svg: svg + " ")), showResult: true)
        let first = folder.appendingPathComponent("plot-1.svg").path
        let second = folder.appendingPathComponent("plot-2.svg").path
        #expect(output.stdout == "histogram of 3 values\nSVG written to \(first)\nline chart of 2 points\nSVG written to \(second)\n")
        #expect(try String(contentsOfFile: first, encoding: .utf8) == svg)
        #expect(try String(contentsOfFile: second, encoding: .utf8) == svg + " ")
    }

    @Test("plot files never overwrite existing ones")
    func noOverwrite() throws {
        let folder = temporaryFolder()
        try Data("old".utf8).write(to: folder.appendingPathComponent("plot-1.svg"))
        let path = try PlotFiles(directory: folder).save("<svg/>")
        #expect(path.hasSuffix("plot-2.svg"))
        #expect(try String(contentsOfFile: folder.appendingPathComponent("plot-1.svg").path, encoding: .utf8) == "old")
    }

    @Test("progress rewrites one line with \\r in a terminal, then leaves it")
    func progressInTerminal() {
        let output = RecordingOutput(isTerminal: true)
        let renderer = TextRenderer(output: output)
        renderer.emit(.display(MimeBundle(plain: "step 1/3 loss 2.50"), id: "p"))
        renderer.emit(.updateDisplay(MimeBundle(plain: "step 2/3 loss 1.5"), id: "p"))
        renderer.emit(.updateDisplay(MimeBundle(plain: "done: 3 steps\nloss 1.0"), id: "p"))
        renderer.emit(.stream(.stdout, "after\n"))
        #expect(output.stdout == "step 1/3 loss 2.50\rstep 2/3 loss 1.5 \rdone: 3 steps  loss 1.0\nafter\n")
    }

    @Test("progress lines are cut to the terminal width")
    func progressWidth() {
        let output = RecordingOutput(isTerminal: true, columns: 10)
        let renderer = TextRenderer(output: output)
        renderer.emit(.display(MimeBundle(plain: "0123456789abcdef"), id: "p"))
        #expect(output.stdout == "01234567…")
    }

    @Test("off a terminal, progress is printed as lines at most every few seconds, the last one always")
    func progressInLog() {
        let output = RecordingOutput(isTerminal: false)
        nonisolated(unsafe) var now = 0.0
        let renderer = TextRenderer(output: output, clock: { now })
        renderer.emit(.display(MimeBundle(plain: "step 0"), id: "p"))
        for step in 1...20 {
            now = Double(step)
            renderer.emit(.updateDisplay(MimeBundle(plain: "step \(step)"), id: "p"))
        }
        renderer.finish(ExecutionOutcome(), showResult: true)
        #expect(output.stdout == "step 0\nstep 5\nstep 10\nstep 15\nstep 20\n")
        #expect(!output.stdout.contains("\r"))
    }

    @Test("page text is printed; clear_output does nothing")
    func pageAndClear() {
        let output = RecordingOutput()
        let renderer = TextRenderer(output: output)
        renderer.emit(.page("len(x): the length"))
        renderer.emit(.clearOutput(wait: true))
        #expect(output.stdout == "len(x): the length\n")
        #expect(output.writes.count == 1)
    }

    @Test("errors go to standard error with their traceback")
    func errors() {
        let output = RecordingOutput()
        let renderer = TextRenderer(output: output)
        renderer.emit(.stream(.stdout, "partial"))
        let syntax = ExecutionError(name: "SyntaxError", message: "expected ')'",
                                    traceback: ["SyntaxError: expected ')'", "line 1, column 5", "f(1, ", "    ^"])
        renderer.finish(ExecutionOutcome(error: syntax), showResult: true)
        renderer.report(ExecutionError(name: "ValueError", message: "bad", traceback: []))
        #expect(output.stdout == "partial\n")
        #expect(output.stderr == "SyntaxError: expected ')'\nline 1, column 5\nf(1, \n    ^\nValueError: bad\n")
    }

    @Test("input without a source fails with an IOError")
    func noInput() {
        let renderer = TextRenderer(output: RecordingOutput())
        #expect(throws: RuntimeError.self) { try renderer.readInput(prompt: "name? ", password: false) }
    }
}

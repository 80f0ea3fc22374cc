// `latent bench lang`: the interpreter's speed on the two figures the language issue sets —
// parsing a 2,000-line script (< 50 ms) and a one-million-iteration arithmetic loop (< 1 s).

import ArgumentParser
import Foundation
import Lang

struct BenchLangCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lang",
        abstract: "Time the interpreter: parsing a 2,000-line script and a 1M-iteration loop.")

    @Option(help: "Lines in the generated script.")
    var lines = 2000

    @Option(help: "Iterations of the arithmetic loop.")
    var iterations = 1_000_000

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        if lines < 10 { throw ValidationError("--lines must be at least 10, got \(lines)") }
        if iterations < 1 { throw ValidationError("--iterations must be positive, got \(iterations)") }
    }

    func run() throws {
        let script = Self.script(lines: lines)
        let session = SessionFactory.makeSession()
        let host = SilentHost()
        // Parse only (lexer + parser, no evaluation): what `isComplete` does for every cell.
        let parse = Timing.measure(minimumSeconds: 1) { _ = session.isComplete(script) }
        // Parse, compile and run the whole script (it only defines values and functions).
        let load = Timing.measure(minimumSeconds: 1) { _ = session.execute(script, host: host) }
        let loopCode = "t = 0\nfor i in 0..<\(iterations) { t = t + i * 2 }\nt"
        let outcome = session.execute(loopCode, host: host)
        if let error = outcome.error { throw ValidationError("the loop failed: \(error.name): \(error.message)") }
        let loop = Timing.measure(minimumSeconds: 2) { _ = session.execute(loopCode, host: host) }
        let figures: [(String, Double, Double)] = [
            ("parse \(lines) lines (ms)", parse.secondsPerRun * 1e3, 50),
            ("parse+compile+run \(lines) lines (ms)", load.secondsPerRun * 1e3, 50),
            ("loop of \(iterations) iterations (ms)", loop.secondsPerRun * 1e3, 1000),
        ]
        if json {
            let object: [String: Double] = [
                "parse_ms": parse.secondsPerRun * 1e3, "load_ms": load.secondsPerRun * 1e3,
                "loop_ms": loop.secondsPerRun * 1e3, "lines": Double(lines), "iterations": Double(iterations),
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(renderTable(["figure", "measured", "target"], figures.map { name, value, target in
                [name, String(format: "%.2f", value), "< \(Int(target))"]
            }))
        }
    }

    /// A script of `lines` lines in the style of a notebook: comments, records, lists,
    /// functions with defaults and labels, conditionals and loops.
    static func script(lines: Int) -> String {
        var out: [String] = []
        var i = 0
        while out.count < lines {
            out.append("# block \(i): settings and a helper")
            out.append("cfg\(i) = {lr: 1e-3, epochs: \(i % 7 + 1), name: \"run \(i)\", steps: 1...4}")
            out.append("xs\(i) = [\(i), \(i + 1), \(i + 2), 3.5, -\(i % 9)]")
            out.append("fn scale\(i)(x, by: 2) {")
            out.append("    if x > \(i % 50) { x * by } else if x < 0 { -x } else { x + cfg\(i).epochs }")
            out.append("}")
            out.append("total\(i) = 0")
            out.append("for x in xs\(i) { total\(i) = total\(i) + scale\(i)(x, by: 3) }")
            out.append("label\(i) = \"total: \" + str(total\(i)) + \" over \" + str(len(xs\(i)))")
            out.append("")
            i += 1
        }
        return out.prefix(lines).joined(separator: "\n") + "\n"
    }
}

/// An execution host that discards output and allows no input.
private final class SilentHost: ExecutionHost {
    func emit(_ event: OutputEvent) {}
    func readInput(prompt: String, password: Bool) throws -> String {
        throw ValidationError("no input in a benchmark")
    }
}

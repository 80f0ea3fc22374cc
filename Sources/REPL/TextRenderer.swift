// Rendering a session's output in a terminal: streamed text as is, results as text/plain,
// plots as their summary plus the path of an SVG file, progress displays as one line rewritten
// with `\r`, errors on standard error. Shared by `latent repl` and `latent run`.

import Foundation
import Lang

/// The `ExecutionHost` of the terminal front ends.
public final class TextRenderer: ExecutionHost {
    private let output: TerminalOutput
    private let plots: PlotFiles
    private let input: ((String, Bool) throws -> String)?
    private let clock: () -> Double
    /// Whether standard output ends at the start of a line (so a result or prompt starts fresh).
    private var atLineStart = true
    /// The progress display currently shown on the last line, if any.
    private var live: LiveLine?

    private struct LiveLine {
        var id: String
        var width: Int
        /// Off a terminal: the latest update not yet printed, and when the last one was.
        var pending: String?
        var lastPrinted: Double
    }

    /// Seconds between progress lines when standard output is not a terminal (a log file).
    public static let pipedProgressInterval = 5.0

    /// - Parameters:
    ///   - output: where text goes (the real streams, or a recorder in tests).
    ///   - plots: where SVGs are written.
    ///   - input: answers `input(prompt)`; nil makes `input` fail with an `IOError`.
    ///   - clock: seconds, for throttling progress lines in logs.
    public init(
        output: TerminalOutput, plots: PlotFiles = PlotFiles(),
        input: ((String, Bool) throws -> String)? = nil,
        clock: @escaping () -> Double = { Date().timeIntervalSinceReferenceDate }
    ) {
        self.output = output
        self.plots = plots
        self.input = input
        self.clock = clock
    }

    // MARK: - ExecutionHost

    public func emit(_ event: OutputEvent) {
        switch event {
        case .stream(let stream, let text):
            endLiveLine()
            write(text, to: stream)
        case .display(let bundle, let id):
            endLiveLine()
            if let id {
                startLiveLine(id: id, text: bundle.plain)
            } else {
                show(bundle)
            }
        case .updateDisplay(let bundle, let id):
            if live?.id == id {
                updateLiveLine(bundle.plain)
            } else {
                // An update for a display no longer on the last line starts a new line.
                endLiveLine()
                startLiveLine(id: id, text: bundle.plain)
            }
        case .clearOutput:
            break
        case .page(let text):
            endLiveLine()
            write(text.hasSuffix("\n") ? text : text + "\n", to: .stdout)
        }
    }

    public func readInput(prompt: String, password: Bool) throws -> String {
        endLiveLine()
        guard let input else { throw RuntimeError.ioError("input: this front end reads no input (standard input holds the script)") }
        startLine()
        return try input(prompt, password)
    }

    // MARK: - Outcomes

    /// Shows what an execution ended with: its result (when `showResult`) on standard output,
    /// its error on standard error. Call after every `Session.execute`.
    public func finish(_ outcome: ExecutionOutcome, showResult: Bool) {
        endLiveLine()
        if showResult, let result = outcome.result { show(result) }
        if let error = outcome.error { report(error) }
        startLine()
    }

    /// Prints a rich value as text: its text/plain form, and for a plot also the path of the
    /// SVG file written for it.
    public func show(_ bundle: MimeBundle) {
        endLiveLine()
        startLine()
        write(bundle.plain.hasSuffix("\n") ? bundle.plain : bundle.plain + "\n", to: .stdout)
        guard let svg = bundle.svg else { return }
        do {
            let path = try plots.save(svg)
            write("SVG written to \(path)\n", to: .stdout)
        } catch {
            write("could not write the SVG: \(error.localizedDescription)\n", to: .stderr)
        }
    }

    /// Prints an error to standard error: `Name: message`, then the traceback lines.
    public func report(_ error: ExecutionError) {
        endLiveLine()
        startLine()
        var lines = error.traceback
        let heading = "\(error.name): \(error.message)"
        if lines.first?.hasPrefix(error.name) != true { lines.insert(heading, at: 0) }
        write(lines.joined(separator: "\n") + "\n", to: .stderr)
    }

    /// Ends a partial line on standard output (before a prompt or a result).
    public func startLine() {
        if !atLineStart { write("\n", to: .stdout) }
    }

    // MARK: - Progress lines

    private func startLiveLine(id: String, text: String) {
        startLine()
        let line = oneLine(text)
        output.write(line, to: .stdout)
        if output.isTerminal {
            atLineStart = line.isEmpty
            live = LiveLine(id: id, width: line.count, pending: nil, lastPrinted: clock())
        } else {
            output.write("\n", to: .stdout)
            atLineStart = true
            live = LiveLine(id: id, width: 0, pending: nil, lastPrinted: clock())
        }
    }

    private func updateLiveLine(_ text: String) {
        guard var current = live else { return }
        let line = oneLine(text)
        if output.isTerminal {
            // Rewrite in place; pad with spaces when the new text is shorter than the old.
            let padding = String(repeating: " ", count: max(0, current.width - line.count))
            output.write("\r" + line + padding, to: .stdout)
            current.width = line.count
            atLineStart = false
        } else if clock() - current.lastPrinted >= Self.pipedProgressInterval {
            output.write(line + "\n", to: .stdout)
            current.lastPrinted = clock()
            current.pending = nil
        } else {
            current.pending = line
        }
        live = current
    }

    /// Leaves the progress line as it is (printing the latest update in a log) and moves on.
    private func endLiveLine() {
        guard let current = live else { return }
        live = nil
        if let pending = current.pending {
            output.write(pending + "\n", to: .stdout)
            atLineStart = true
        }
        startLine()
    }

    /// A display's text on one line, cut to the terminal's width so `\r` can rewrite it.
    private func oneLine(_ text: String) -> String {
        var line = text.split(separator: "\n", omittingEmptySubsequences: true).joined(separator: "  ")
        if let columns = output.columns, output.isTerminal, line.count >= columns {
            line = String(line.prefix(max(1, columns - 2))) + "…"
        }
        return line
    }

    private func write(_ text: String, to stream: StreamName) {
        guard !text.isEmpty else { return }
        output.write(text, to: stream)
        if stream == .stdout { atLineStart = text.hasSuffix("\n") }
    }
}

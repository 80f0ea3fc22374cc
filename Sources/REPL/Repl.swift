// `latent repl`: read a line (or several, while the code is incomplete), run it in the session,
// show the output, repeat. Errors are printed and the loop goes on; Ctrl-C stops the running
// command (or clears the line at the prompt); Ctrl-D ends the session.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Lang
import Support

/// The interactive read–eval–print loop over one session.
public final class Repl {
    /// Shown for a new entry.
    public static let prompt = "latent> "
    /// Shown while an entry is incomplete.
    public static let continuationPrompt = "   ...> "

    private let session: Session
    private let reader: LineReader
    private let output: TerminalOutput
    private let interactive: Bool
    private lazy var renderer = TextRenderer(output: output, plots: plots, input: { [unowned self] prompt, _ in
        guard let line = self.reader.readLine(prompt: prompt) else {
            throw RuntimeError.ioError("input: no more input (end of file or Ctrl-C)")
        }
        return line
    })
    private let plots: PlotFiles

    /// - Parameters:
    ///   - session: the session entries run in.
    ///   - reader: where lines come from: an `EditLineReader` for a terminal, else a `PlainLineReader`.
    ///   - output: where output goes.
    ///   - interactive: whether to greet the user and show prompts' effects (terminal input).
    ///   - plots: where SVGs of plots are written.
    public init(session: Session, reader: LineReader, output: TerminalOutput, interactive: Bool, plots: PlotFiles = PlotFiles()) {
        self.session = session
        self.reader = reader
        self.output = output
        self.interactive = interactive
        self.plots = plots
    }

    /// A REPL on the process's standard streams: libedit when standard input is a terminal,
    /// plain lines otherwise. History goes to `historyPath` (terminal only).
    public static func standard(session: Session, historyPath: String?) -> Repl {
        let interactive = isatty(0) != 0
        let reader: LineReader = interactive
            ? EditLineReader(historyPath: historyPath) { [unowned session] line, cursor in session.complete(line, cursor: cursor) }
            : PlainLineReader()
        return Repl(session: session, reader: reader, output: StandardStreams(), interactive: interactive)
    }

    /// The default history file: `$LATENT_HISTORY`, else `~/.latent_history`.
    public static var defaultHistoryPath: String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["LATENT_HISTORY"], !path.isEmpty { return path }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.latent_history"
    }

    /// Runs until end of input. Returns the exit status (0).
    public func run() -> Int32 {
        InterruptSignal.install()
        if interactive {
            output.write("latent — type help() for the builtins, Ctrl-C to interrupt, Ctrl-D to quit.\n", to: .stdout)
        }
        var buffer = EntryBuffer(isComplete: { [unowned session] in session.isComplete($0) })
        while true {
            let before = InterruptSignal.count
            let line = reader.readLine(prompt: buffer.isEmpty ? Self.prompt : Self.continuationPrompt)
            if InterruptSignal.count != before {
                // Ctrl-C at the prompt: drop what was typed, start a fresh entry.
                output.write("\n", to: .stdout)
                buffer.reset()
                continue
            }
            guard let line else {
                if interactive { output.write("\n", to: .stdout) }
                return 0
            }
            switch buffer.add(line) {
            case .nothing, .needMore:
                continue
            case .run(let code):
                execute(code)
            }
        }
    }

    /// Runs one entry and shows its output, result and error.
    public func execute(_ code: String) {
        let watcher = InterruptWatcher { [interruption = session.interruption] _ in interruption.request() }
        let outcome = session.execute(code, host: renderer)
        watcher.stop()
        renderer.finish(outcome, showResult: true)
    }
}

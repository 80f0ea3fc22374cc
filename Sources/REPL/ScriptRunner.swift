// `latent run FILE`: execute a whole script in a fresh session. Output streams as it happens;
// the final result is ignored; an error is printed to standard error and gives exit status 1.

import Foundation
import Lang
import Support

/// Runs scripts on the process's standard streams.
public enum ScriptRunner {
    /// Runs `code` in `session`. Ctrl-C stops it with an `Interrupted` error.
    /// - Parameters:
    ///   - stdinIsScript: true for `latent run -`: `input()` then fails instead of reading the script.
    /// - Returns: the exit status: 0 on success, 1 after an error.
    public static func run(
        _ code: String, session: Session, output: TerminalOutput = StandardStreams(), stdinIsScript: Bool = false,
        plots: PlotFiles = PlotFiles()
    ) -> Int32 {
        InterruptSignal.install()
        let input: ((String, Bool) throws -> String)? = stdinIsScript ? nil : { prompt, _ in
            output.write(prompt, to: .stdout)
            guard let line = readLine(strippingNewline: true) else {
                throw RuntimeError.ioError("input: standard input has no more lines")
            }
            return line
        }
        let renderer = TextRenderer(output: output, plots: plots, input: input)
        let watcher = InterruptWatcher { [interruption = session.interruption] _ in interruption.request() }
        let outcome = session.execute(code, host: renderer)
        watcher.stop()
        renderer.finish(outcome, showResult: false)
        return outcome.error == nil ? 0 : 1
    }

    /// Reads a script from a file, or from standard input when `path` is `-`.
    /// - Throws: a message naming the file when it cannot be read or is not UTF-8.
    public static func load(_ path: String) throws -> String {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            guard let text = String(data: data, encoding: .utf8) else {
                throw ScriptError("standard input is not UTF-8 text")
            }
            return text
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScriptError("cannot read the script '\(path)' (no such file, or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScriptError("the script '\(path)' is not UTF-8 text")
        }
        return text
    }
}

/// A script that cannot be loaded.
public struct ScriptError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

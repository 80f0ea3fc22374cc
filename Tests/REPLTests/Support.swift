// Test doubles for the terminal: a recording output and a scripted line reader.

import Foundation
import Lang
import REPL

/// Records what is written to each stream, in order.
final class RecordingOutput: TerminalOutput {
    var writes: [(StreamName, String)] = []
    var isTerminal: Bool
    var columns: Int?

    init(isTerminal: Bool = true, columns: Int? = nil) {
        self.isTerminal = isTerminal
        self.columns = columns
    }

    func write(_ text: String, to stream: StreamName) {
        writes.append((stream, text))
    }

    var stdout: String { writes.filter { $0.0 == .stdout }.map(\.1).joined() }
    var stderr: String { writes.filter { $0.0 == .stderr }.map(\.1).joined() }
}

/// Hands out prepared lines and records the prompts it was shown.
final class ScriptedReader: LineReader {
    var lines: [String]
    var prompts: [String] = []

    init(_ lines: [String]) {
        self.lines = lines
    }

    func readLine(prompt: String) -> String? {
        prompts.append(prompt)
        return lines.isEmpty ? nil : lines.removeFirst()
    }
}

/// A fresh temporary folder for plot files.
func temporaryFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("latent-repl-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

// Collecting the lines of one REPL entry: keep reading ("...> ") while the code is incomplete
// (an open bracket or brace, a trailing operator or comma), run it as soon as it is complete or
// can no longer become valid.

import Lang

/// The lines typed so far for one entry, and the decision after each new line.
public struct EntryBuffer {
    /// What to do after a line was added.
    public enum Decision: Equatable {
        /// Nothing to run (a blank line at the primary prompt).
        case nothing
        /// Show the continuation prompt and read another line; `indent` is a suggestion.
        case needMore(indent: String)
        /// Run this code (complete, or invalid so the syntax error gets reported).
        case run(String)
    }

    private let isComplete: (String) -> Completeness
    private var lines: [String] = []
    private var blankRun = 0

    /// - Parameter isComplete: the session's `isComplete` (injected so it can be tested alone).
    public init(isComplete: @escaping (String) -> Completeness) {
        self.isComplete = isComplete
    }

    /// Whether no line of an entry has been typed yet (use the primary prompt).
    public var isEmpty: Bool { lines.isEmpty }

    /// The code typed so far.
    public var code: String { lines.joined(separator: "\n") }

    /// Drops the lines typed so far (Ctrl-C at a prompt).
    public mutating func reset() {
        lines = []
        blankRun = 0
    }

    /// Adds one line. Two blank lines in a row while an entry is incomplete run it anyway, so
    /// the user sees what is wrong instead of being stuck at the continuation prompt.
    public mutating func add(_ line: String) -> Decision {
        let blank = line.allSatisfy { $0 == " " || $0 == "\t" }
        if lines.isEmpty && blank { return .nothing }
        lines.append(line)
        blankRun = blank ? blankRun + 1 : 0
        let code = self.code
        switch isComplete(code) {
        case .incomplete(let indent) where blankRun < 2:
            return .needMore(indent: indent)
        default:
            reset()
            return .run(code)
        }
    }
}

// Positions in source text and the syntax error that points at one.

/// A position in source code: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line 2, column 7`.
    public var description: String { "line \(line), column \(column)" }

    /// The traceback lines under an error: where, the source line, and a caret under the spot.
    func excerpt(sourceLine: String?) -> [String] {
        var lines = ["at \(self):"]
        if let sourceLine {
            let shown = sourceLine.unicodeScalars.map { $0 == "\t" ? " " : String($0) }.joined()
            lines.append("    " + shown)
            lines.append("    " + String(repeating: " ", count: max(column - 1, 0)) + "^")
        }
        return lines
    }
}

/// The first syntax error in a piece of code: `SyntaxError: expected ')' …` at a line and column.
public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was expected, e.g. `expected ')' to close the call, got end of input`.
    public var message: String
    public var location: SourceLocation
    /// The source line that holds `location`.
    public var sourceLine: String
    /// Whether the error is at the end of the input, so more lines could still fix it.
    public var atEndOfInput: Bool

    public init(message: String, location: SourceLocation, sourceLine: String, atEndOfInput: Bool = false) {
        self.message = message
        self.location = location
        self.sourceLine = sourceLine
        self.atEndOfInput = atEndOfInput
    }

    public var description: String { "SyntaxError: \(message) (\(location))" }

    /// As a front end shows it.
    public var executionError: ExecutionError {
        ExecutionError(
            name: "SyntaxError", message: message,
            traceback: ["SyntaxError: \(message)"] + location.excerpt(sourceLine: sourceLine))
    }
}

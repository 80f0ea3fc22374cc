// The typed runtime error that the evaluator and every builtin throw.

/// A runtime error of the language: `TypeError: sft: argument 'epochs' must be a number, got string`.
///
/// Builtins throw it with a kind and a message that names the function and the argument at
/// fault and says what would have been accepted; the evaluator adds the source location.
public struct RuntimeError: Error, CustomStringConvertible {
    /// The error kinds of the language contract.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case nameError = "NameError"
        case typeError = "TypeError"
        case valueError = "ValueError"
        case ioError = "IOError"
        case numericError = "NumericError"
        case interrupted = "Interrupted"
    }

    public var kind: Kind
    public var message: String
    /// Where it happened, filled in by the evaluator (the innermost call or operator).
    public var location: SourceLocation?
    /// The source line of `location`, for the caret display.
    public var sourceLine: String?
    /// Calls the error passed through on its way out, innermost first (`in f, called at line 3, column 1`).
    public var frames: [String] = []
    /// Outer calls the error passed through after `frames` was full (they are counted, not kept).
    public var omittedFrames = 0

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func nameError(_ message: String) -> RuntimeError { RuntimeError(.nameError, message) }
    public static func typeError(_ message: String) -> RuntimeError { RuntimeError(.typeError, message) }
    public static func valueError(_ message: String) -> RuntimeError { RuntimeError(.valueError, message) }
    public static func ioError(_ message: String) -> RuntimeError { RuntimeError(.ioError, message) }
    public static func numericError(_ message: String) -> RuntimeError { RuntimeError(.numericError, message) }
    /// The error an interrupt raises.
    public static var interrupted: RuntimeError { RuntimeError(.interrupted, "execution interrupted") }

    /// `Kind: message`.
    public var description: String { "\(kind.rawValue): \(message)" }

    /// As a front end shows it: the location, the source line and a caret, then the call frames.
    public var executionError: ExecutionError {
        var traceback = ["\(kind.rawValue): \(message)"]
        if let location {
            traceback.append(contentsOf: location.excerpt(sourceLine: sourceLine))
        }
        traceback.append(contentsOf: Self.collapsingRepeats(frames))
        if omittedFrames > 0 {
            traceback.append("(and \(omittedFrames) outer call\(omittedFrames == 1 ? "" : "s") not shown)")
        }
        return ExecutionError(name: kind.rawValue, message: message, traceback: traceback)
    }

    /// The frames with each run of identical ones shown once, then `(the line above 19 more
    /// times)`: a runaway recursion is one line, not twenty copies of it.
    static func collapsingRepeats(_ frames: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < frames.count {
            var j = i + 1
            while j < frames.count && frames[j] == frames[i] { j += 1 }
            out.append(frames[i])
            let more = j - i - 1
            if more > 0 { out.append("(the line above \(more) more time\(more == 1 ? "" : "s"))") }
            i = j
        }
        return out
    }
}

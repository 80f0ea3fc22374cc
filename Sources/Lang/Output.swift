// What an execution sends to its front end: the transport-neutral output of the interpreter.
//
// The interpreter never prints. Every front end (the Jupyter kernel, the line REPL, the script
// runner) hands `Session.execute` an `ExecutionHost`, receives `OutputEvent`s through it in the
// order they happen, and renders them its own way.

/// One value in every form a front end may show: `text/plain` always, plus HTML or SVG.
public struct MimeBundle: Sendable, Equatable {
    /// `text/plain`: always present.
    public var plain: String
    /// `text/html`, for records, tables, datasets, runs, evaluations, progress displays.
    public var html: String?
    /// `image/svg+xml`, for plots.
    public var svg: String?

    public init(plain: String, html: String? = nil, svg: String? = nil) {
        self.plain = plain
        self.html = html
        self.svg = svg
    }

    /// The bundle as MIME type → content, for wire formats.
    public func asDictionary() -> [String: String] {
        var out = ["text/plain": plain]
        if let html { out["text/html"] = html }
        if let svg { out["image/svg+xml"] = svg }
        return out
    }
}

/// The standard text streams.
public enum StreamName: String, Sendable, Equatable {
    case stdout, stderr
}

/// Output produced while code runs, in order.
public enum OutputEvent: Sendable, Equatable {
    /// Text written by `print` (stdout) or `warn` (stderr).
    case stream(StreamName, String)
    /// A rich display (`show(v)`, a plot, a progress display). With an `id`, later
    /// `updateDisplay` events with the same id replace it in place.
    case display(MimeBundle, id: String?)
    /// Replaces the display that was sent with this id (live training progress).
    case updateDisplay(MimeBundle, id: String)
    /// `clear(wait:)`: clears the cell's output (in a terminal: nothing).
    case clearOutput(wait: Bool)
    /// `help(f)`: text for a pager (Jupyter's `page` payload; a terminal prints it).
    case page(String)
}

/// A runtime or syntax error, as a front end shows it.
public struct ExecutionError: Error, Sendable, Equatable {
    /// `SyntaxError`, `NameError`, `TypeError`, `ValueError`, `IOError`, `NumericError`, `Interrupted`.
    public var name: String
    /// The message (without the name).
    public var message: String
    /// Lines to show: for a syntax error the location, the source line and a caret.
    public var traceback: [String]

    public init(name: String, message: String, traceback: [String]) {
        self.name = name
        self.message = message
        self.traceback = traceback
    }
}

/// What one `execute` call ended with. Output already went out through the host.
public struct ExecutionOutcome: Sendable, Equatable {
    /// The value of the final expression statement when it is not nil, rendered.
    public var result: MimeBundle?
    /// The error that stopped execution, if any. Names bound before it stay bound.
    public var error: ExecutionError?

    public init(result: MimeBundle? = nil, error: ExecutionError? = nil) {
        self.result = result
        self.error = error
    }
}

/// The front end's side of an execution: where output goes and where input comes from.
public protocol ExecutionHost: AnyObject {
    /// Receives each output event as it happens (may be called many times per second).
    func emit(_ event: OutputEvent)
    /// A line from the user for `input(prompt)`; throws (an `IOError` is reported) when the
    /// front end allows no input.
    func readInput(prompt: String, password: Bool) throws -> String
}

/// `isComplete`'s answer: should a front end run this code now, or wait for more lines?
public enum Completeness: Sendable, Equatable {
    case complete
    /// More input is needed; `indent` is the suggested indentation of the next line.
    case incomplete(indent: String)
    case invalid
}

/// `complete`'s answer: the candidates and the range of the code (in Unicode scalars)
/// that they replace.
public struct Completion: Sendable, Equatable {
    public var matches: [String]
    public var cursorStart: Int
    public var cursorEnd: Int

    public init(matches: [String], cursorStart: Int, cursorEnd: Int) {
        self.matches = matches
        self.cursorStart = cursorStart
        self.cursorEnd = cursorEnd
    }
}

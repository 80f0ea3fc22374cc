// Reading the user's lines: with libedit when standard input is a terminal, plainly otherwise
// (so the REPL can be scripted through a pipe).

import Foundation
import Support

/// A source of input lines.
public protocol LineReader: AnyObject {
    /// Shows `prompt` and returns the next line without its newline, or nil at end of input
    /// (or when Ctrl-C interrupted the read; compare `InterruptSignal.count` to tell).
    func readLine(prompt: String) -> String?
}

/// Reads standard input line by line, without editing, history or prompts.
public final class PlainLineReader: LineReader {
    public init() {}

    public func readLine(prompt: String) -> String? {
        Swift.readLine(strippingNewline: true)
    }
}

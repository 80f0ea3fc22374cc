// Line editing with libedit's readline interface: arrow keys and Emacs bindings, persistent
// history, tab completion from the session, and Ctrl-C that clears the line.
//
// readline's callbacks are plain C functions without a context pointer, so the completion
// source lives in a file-level variable: it is set by the one active reader and only touched on
// the thread that calls `readLine`. Keystrokes are read by our own getc function so that a
// SIGINT (our handler is installed without SA_RESTART) ends the read instead of being retried.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@preconcurrency import CEdit
import Foundation
import Lang
import Support

/// The completion source of the active `EditLineReader` (see the file comment).
nonisolated(unsafe) private var activeCompleter: ((String, Int) -> Completion)?

/// Reads lines through libedit. Use only when standard input is a terminal, one at a time.
public final class EditLineReader: LineReader {
    private let historyPath: String?

    /// Characters that end the word being completed: everything that is not part of a name.
    private static let wordBreaks = " \t\n\"\\'`@$><=;|&{(,.[)]}+-*/%^!:#"

    /// - Parameters:
    ///   - historyPath: the history file, read now and rewritten after every entry (nil: none).
    ///   - completer: completions for (line, cursor in Unicode scalars), e.g. `Session.complete`.
    public init(historyPath: String?, completer: @escaping (String, Int) -> Completion) {
        self.historyPath = historyPath
        Self.useUTF8Locale()
        activeCompleter = completer
        rl_readline_name = UnsafePointer(strdup("latent"))
        rl_catch_signals = 0
        rl_getc_function = readKey
        rl_attempted_completion_function = attemptCompletion
        rl_completion_append_character = 0
        rl_basic_word_break_characters = UnsafePointer(strdup(Self.wordBreaks))
        rl_completer_word_break_characters = strdup(Self.wordBreaks)
        rl_initialize()
        using_history()
        stifle_history(2000)
        if let historyPath, FileManager.default.fileExists(atPath: historyPath) {
            read_history(historyPath)
        }
    }

    deinit {
        activeCompleter = nil
    }

    public func readLine(prompt: String) -> String? {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.allSatisfy({ $0 == " " || $0 == "\t" }) {
            add_history(line)
            if let historyPath { write_history(historyPath) }
        }
        return line
    }

    /// libedit converts between wide and multibyte text with the C library's locale; without a
    /// UTF-8 one, anything beyond ASCII is lost.
    private static func useUTF8Locale() {
        let current = setlocale(LC_CTYPE, "").map { String(cString: $0) } ?? ""
        if !current.lowercased().contains("utf-8") && !current.lowercased().contains("utf8") {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }
}

/// Reads one key (a whole UTF-8 sequence, returned as its Unicode scalar value). Returns EOF at
/// end of input and when Ctrl-C was pressed while waiting. The SIGINT may be delivered to any
/// thread of the process (and then does not interrupt this `read`), so the wait polls the
/// interrupt count every 50 ms instead of relying on `EINTR` alone.
private let readKey: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { file in
    let fd = file.map { fileno($0) } ?? 0
    let baseline = InterruptSignal.count
    func byte() -> Int32? {
        var value: UInt8 = 0
        while true {
            if InterruptSignal.count != baseline { return nil }
            var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, 50)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            let n = read(fd, &value, 1)
            if n == 1 { return Int32(value) }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }
    guard let first = byte() else { return EOF }
    // With the terminal's signal keys off, Ctrl-C arrives as a byte: treat it like the signal.
    if first == 3 {
        InterruptSignal.simulate()
        return EOF
    }
    let length = first < 0x80 ? 1 : first >> 5 == 0b110 ? 2 : first >> 4 == 0b1110 ? 3 : first >> 3 == 0b11110 ? 4 : 1
    guard length > 1 else { return first }
    var scalar = first & (0x7F >> length)
    for _ in 1..<length {
        guard let next = byte() else { return EOF }
        scalar = (scalar << 6) | (next & 0x3F)
    }
    return scalar
}

/// readline's completion hook: asks the session and hands libedit a malloc'ed, NULL-terminated
/// list whose first entry is the common prefix of the matches.
private let attemptCompletion: @convention(c) (
    UnsafePointer<CChar>?, Int32, Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, _, _ in
    rl_attempted_completion_over = 1  // never fall back to file names
    guard let completer = activeCompleter, let buffer = rl_line_buffer else { return nil }
    let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(max(0, rl_end)))
    let line = String(decoding: bytes, as: UTF8.self)
    let beforeCursor = String(decoding: bytes.prefix(Int(max(0, rl_point))), as: UTF8.self)
    let completion = completer(line, beforeCursor.unicodeScalars.count)
    guard !completion.matches.isEmpty else { return nil }

    // libedit replaces its own word (`text`); the session's matches replace
    // cursorStart..<cursorEnd. Keep any part of libedit's word the session does not replace.
    let word = text.map { String(cString: $0) } ?? ""
    let scalars = Array(line.unicodeScalars)
    let start = min(max(0, completion.cursorStart), scalars.count)
    let end = min(max(start, completion.cursorEnd), scalars.count)
    let replaced = String(String.UnicodeScalarView(scalars[start..<end]))
    let keep = word.hasSuffix(replaced) ? String(word.dropLast(replaced.count)) : ""
    let matches = completion.matches.map { keep + $0 }

    var common = matches[0]
    for match in matches.dropFirst() {
        while !match.hasPrefix(common) { common.removeLast() }
    }
    let entries = matches.count == 1 ? matches : [common] + matches
    let list = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1))!
        .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
    for (index, entry) in entries.enumerated() { list[index] = strdup(entry) }
    list[entries.count] = nil
    return list
}

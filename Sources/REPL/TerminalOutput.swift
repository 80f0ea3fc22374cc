// Where the terminal front ends write: standard output and standard error, unbuffered, so text
// from `print`, `warn`, progress lines and prompts appears in the order it was produced.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Lang

/// A destination for text on the two standard streams.
public protocol TerminalOutput: AnyObject {
    /// Writes `text` as is (no newline is added).
    func write(_ text: String, to stream: StreamName)
    /// Whether standard output is a terminal (progress lines are then rewritten in place).
    var isTerminal: Bool { get }
    /// The terminal's width in columns, when known.
    var columns: Int? { get }
}

/// The process's real standard output and error (file descriptors 1 and 2).
public final class StandardStreams: TerminalOutput {
    public init() {}

    public func write(_ text: String, to stream: StreamName) {
        let fd: Int32 = stream == .stdout ? 1 : 2
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                #if canImport(Glibc)
                Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                Darwin.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
            }
            if written < 0 {
                if errno == EINTR { continue }
                return  // a closed pipe: nothing sensible left to do with the text
            }
            offset += written
        }
        bytes.removeAll()
    }

    public var isTerminal: Bool { isatty(1) != 0 }

    public var columns: Int? {
        var size = winsize()
        guard isatty(1) != 0, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}

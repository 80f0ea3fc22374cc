import Foundation

/// Errors from building, loading and saving datasets. Every message names what was wrong and
/// what would have been accepted.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// An argument outside its accepted range: `function`, `argument`, and the explanation.
    case invalidArgument(function: String, argument: String, message: String)
    /// The path does not exist.
    case fileNotFound(path: String)
    /// The path exists but is a directory (or otherwise unreadable as a file).
    case unreadable(path: String, reason: String)
    /// The file is not valid UTF-8; `byteOffset` is the first invalid byte.
    case notUTF8(path: String, byteOffset: Int)
    /// The content matches none of the supported formats.
    case unknownFormat(path: String, reason: String)
    /// The file was refused: nothing valid in it, or a malformed line in strict mode, or a
    /// structural error. `line` is 1-based when known.
    case refused(path: String, line: Int?, reason: String)
    /// Writing failed.
    case writeFailed(path: String, reason: String)
    /// The file would not fit in the memory still available; the reason gives the estimate
    /// and the limit.
    case tooLarge(path: String, reason: String)
    /// Loading was interrupted (the caller's `shouldStop` said so).
    case interrupted

    public var description: String {
        switch self {
        case let .invalidArgument(function, argument, message):
            return "\(function): invalid \(argument): \(message)"
        case let .fileNotFound(path):
            return "no such file: \(path)"
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .notUTF8(path, offset):
            return "\(path) is not UTF-8 text (first invalid byte at offset \(offset))"
        case let .unknownFormat(path, reason):
            return "cannot tell the format of \(path): \(reason). Accepted: GSM8K-Aug JSON "
                + "(an array of objects), JSON Lines (one object per line), or the implicit-CoT "
                + "text form `question||cot #### answer`"
        case let .refused(path, line, reason):
            let place = line.map { "\(path), line \($0)" } ?? path
            return "refused the file \(place): \(reason)"
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason)"
        case let .tooLarge(path, reason):
            return "cannot load \(path): \(reason)"
        case .interrupted:
            return "interrupted"
        }
    }

    public var errorDescription: String? { description }
}

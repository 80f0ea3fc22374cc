// Errors of the kernel's protocol layer.

/// What went wrong in the kernel's protocol layer; each case says what was wrong in words.
public enum KernelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The connection file could not be read or is invalid.
    case connectionFile(String)
    /// A received multipart message is malformed (missing delimiter, too few frames, bad JSON).
    case malformedMessage(String)
    /// A received message's HMAC signature does not match.
    case badSignature
    /// A correctly signed message whose signature was accepted before: a replay.
    case replayedMessage(msgID: String)
    /// Waiting for an `input_reply` ended because the cell was interrupted or the kernel stopped.
    case inputInterrupted
    /// Writing a kernelspec failed.
    case kernelSpec(String)

    public var description: String {
        switch self {
        case .connectionFile(let message): message
        case .malformedMessage(let message): "malformed message: \(message)"
        case .badSignature: "message signature does not match (wrong key?)"
        case .replayedMessage(let msgID): "replayed message \(msgID): a message with the same HMAC was accepted before; not run again"
        case .inputInterrupted: "input() was interrupted"
        case .kernelSpec(let message): message
        }
    }
}

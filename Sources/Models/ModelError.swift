// ModelError: what the Models module reports for bad user input (never for programmer errors).

/// Errors thrown by the Models module for input a user can get wrong.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// A ``LlamaConfiguration`` value is impossible; the message names it.
    case invalidConfiguration(String)
    /// A token id, sequence or batch does not fit the model; the message says which.
    case invalidInput(String)
    /// A checkpoint directory cannot be read or does not match the model; the message lists
    /// the missing, extra or mis-shaped tensors, or the file at fault.
    case invalidCheckpoint(String)
    /// What was asked for would not fit in the memory still available; the message gives the
    /// estimate and the limit.
    case outOfMemory(String)
    /// A caller's `shouldStop` check asked a long computation (generation, sampling) to end
    /// between two decoding steps; nothing partial is returned.
    case interrupted

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): "invalid model configuration: \(message)"
        case .invalidInput(let message): "invalid model input: \(message)"
        case .invalidCheckpoint(let message): "invalid checkpoint: \(message)"
        case .outOfMemory(let message): "not enough memory: \(message)"
        case .interrupted: "interrupted"
        }
    }
}

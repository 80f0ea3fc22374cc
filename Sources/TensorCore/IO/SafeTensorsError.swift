// Everything that can be wrong with a safetensors file, each with a message that says what.

/// Why a safetensors file or buffer was refused, or a named tensor could not be used.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    /// Fewer than 8 bytes, so there is no header length.
    case truncated(size: Int)
    /// The declared header length runs past the end of the buffer.
    case headerLengthOutOfRange(declared: UInt64, available: Int)
    /// The header is not valid UTF-8 JSON, or not a JSON object.
    case invalidJSON(String)
    /// A header entry is malformed (missing or wrongly typed field).
    case invalidEntry(name: String, reason: String)
    /// A tensor's dtype is not F32.
    case unsupportedDType(name: String, dtype: String)
    /// A tensor's data offsets are reversed or run past the data section.
    case offsetsOutOfRange(name: String, begin: Int, end: Int, dataSize: Int)
    /// Two tensors claim the same bytes.
    case overlappingTensors(String, String)
    /// shape × 4 bytes differs from the tensor's byte range.
    case sizeMismatch(name: String, shape: [Int], bytes: Int)
    /// Part of the data section belongs to no tensor.
    case uncoveredBytes(begin: Int, end: Int)
    /// `__metadata__` is not an object of strings.
    case invalidMetadata(String)
    /// A tensor that was asked for is not in the file.
    case missingTensor(String)
    /// A tensor has a different shape than the one it must fill.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// Reading or writing the file failed.
    case io(path: String, reason: String)

    /// A one-line explanation naming the offending tensor or field.
    public var description: String {
        switch self {
        case .truncated(let size):
            return "truncated safetensors data: \(size) bytes, fewer than the 8-byte header length"
        case .headerLengthOutOfRange(let declared, let available):
            return "header length \(declared) exceeds the \(available) bytes that follow it (truncated file?)"
        case .invalidJSON(let why):
            return "invalid JSON header: \(why)"
        case .invalidEntry(let name, let reason):
            return "tensor '\(name)': \(reason)"
        case .unsupportedDType(let name, let dtype):
            return "tensor '\(name)' has dtype \(dtype); only F32 is supported"
        case .offsetsOutOfRange(let name, let begin, let end, let size):
            return "tensor '\(name)': data_offsets [\(begin), \(end)] out of range for a \(size)-byte data section"
        case .overlappingTensors(let a, let b):
            return "tensors '\(a)' and '\(b)' have overlapping data_offsets"
        case .sizeMismatch(let name, let shape, let bytes):
            // Counted without trapping: the shape comes from a file and may be absurdly large.
            var needed: Int? = shape.contains(0) ? 0 : 4
            for d in shape {
                guard let n = needed else { break }
                let (product, overflow) = n.multipliedReportingOverflow(by: d)
                needed = overflow ? nil : product
            }
            let neededText = needed.map(String.init) ?? "more than \(Int.max)"
            return "tensor '\(name)': shape \(shape) needs \(neededText) bytes of F32 but data_offsets span \(bytes)"
        case .uncoveredBytes(let begin, let end):
            return "data section bytes \(begin)..<\(end) belong to no tensor"
        case .invalidMetadata(let why):
            return "invalid __metadata__: \(why)"
        case .missingTensor(let name):
            return "tensor '\(name)' not found"
        case .shapeMismatch(let name, let expected, let found):
            return "tensor '\(name)' has shape \(found), expected \(expected)"
        case .io(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}

// The SHA-256 of every part of a checkpoint, kept in the weights' metadata.

import Crypto
import Foundation
import TensorCore

/// Digests of a checkpoint's tensors (names, shapes and values), config.json and
/// tokenizer.json. Stored as hex strings in model.safetensors' `__metadata__`, so a damaged
/// file, or files of two different saves side by side, are told apart from a checkpoint.
struct CheckpointDigests: Equatable {
    var tensors: String
    var configuration: String
    var tokenizer: String

    static let tensorsKey = "latent.sha256.tensors"
    static let configurationKey = "latent.sha256.config.json"
    static let tokenizerKey = "latent.sha256.tokenizer.json"

    init(tensors: [String: Tensor], configuration: Data, tokenizer: Data) {
        var hash = SHA256()
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!
            hash.update(data: Array("\(name)\u{0}\(tensor.shape)\u{0}".utf8))
            // The floats' bytes as the file stores them (little-endian).
            tensor.withUnsafeBufferPointer { buffer in
                #if _endian(little)
                hash.update(bufferPointer: UnsafeRawBufferPointer(buffer))
                #else
                for scalar in buffer {
                    withUnsafeBytes(of: scalar.bitPattern.littleEndian) { hash.update(bufferPointer: $0) }
                }
                #endif
            }
        }
        self.tensors = Self.hex(hash.finalize())
        self.configuration = Self.hex(SHA256.hash(data: configuration))
        self.tokenizer = Self.hex(SHA256.hash(data: tokenizer))
    }

    /// The digests a save stored, or nil for a checkpoint saved without them (older saves,
    /// Hugging Face directories).
    init?(metadata: [String: String]) {
        guard let tensors = metadata[Self.tensorsKey], let configuration = metadata[Self.configurationKey],
              let tokenizer = metadata[Self.tokenizerKey] else { return nil }
        self.tensors = tensors
        self.configuration = configuration
        self.tokenizer = tokenizer
    }

    func store(in metadata: inout [String: String]) {
        metadata[Self.tensorsKey] = tensors
        metadata[Self.configurationKey] = configuration
        metadata[Self.tokenizerKey] = tokenizer
    }

    /// The first part whose digest differs, in words.
    func firstMismatch(with other: CheckpointDigests) -> String? {
        if tensors != other.tensors { return "the tensors of \(Checkpoint.weightsFile)" }
        if configuration != other.configuration { return Checkpoint.configurationFile }
        if tokenizer != other.tokenizer { return Checkpoint.tokenizerFile }
        return nil
    }

    private static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

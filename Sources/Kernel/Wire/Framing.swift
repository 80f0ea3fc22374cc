// The multipart wire format:
//   [identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]
// The signature is the HMAC of exactly the four dict frames, never the buffers.

import Support

/// Encodes messages to frames and decodes frames to messages, signing and verifying with one
/// `Signer`. Decoding never traps: anything malformed throws a `KernelError`.
public struct Framing: Sendable {
    /// The frame separating routing identities from the message.
    public static let delimiter: [UInt8] = Array("<IDS|MSG>".utf8)

    public let signer: Signer
    /// When set (and messages are signed), a message whose signature was accepted before is
    /// refused as a replay.
    public let history: SignatureHistory?

    public init(signer: Signer, history: SignatureHistory? = nil) {
        self.signer = signer
        self.history = history
    }

    /// The frames of a message, signed.
    public func encode(_ message: Message) -> [[UInt8]] {
        let dicts = [
            message.header.json.serialized(),
            message.parentHeader.serialized(),
            message.metadata.serialized(),
            message.content.serialized(),
        ]
        var frames = message.identities
        frames.reserveCapacity(frames.count + 6 + message.buffers.count)
        frames.append(Self.delimiter)
        frames.append(Array(signer.signature(of: dicts).utf8))
        frames.append(contentsOf: dicts)
        frames.append(contentsOf: message.buffers)
        return frames
    }

    /// Decodes received frames: finds the delimiter, checks the signature (and, with a
    /// `history`, that it was not seen before), parses the four dicts. Throws `.badSignature`,
    /// `.replayedMessage` or `.malformedMessage(reason)`.
    public func decode(_ frames: [[UInt8]]) throws(KernelError) -> Message {
        guard let split = frames.firstIndex(of: Self.delimiter) else {
            throw .malformedMessage("no <IDS|MSG> delimiter among \(frames.count) frames")
        }
        guard frames.count - split - 1 >= 5 else {
            throw .malformedMessage("expected a signature and four JSON frames after the delimiter, got \(frames.count - split - 1) frames")
        }
        let signature = frames[split + 1]
        let dicts = frames[(split + 2)..<(split + 6)]
        guard signer.isValid(signature: signature, of: dicts) else { throw .badSignature }

        func object(_ frame: [UInt8], _ name: String) throws(KernelError) -> JSONValue {
            let value: JSONValue
            do {
                value = try JSONValue(parsing: frame)
            } catch {
                throw .malformedMessage("\(name): \(error)")
            }
            guard case .object = value else { throw .malformedMessage("\(name) is not a JSON object") }
            return value
        }

        let header = try Header(json: object(frames[split + 2], "header"))
        let message = Message(
            identities: Array(frames[..<split]),
            header: header,
            parentHeader: try object(frames[split + 3], "parent_header"),
            metadata: try object(frames[split + 4], "metadata"),
            content: try object(frames[split + 5], "content"),
            buffers: Array(frames[(split + 6)...]))
        // Only a well-formed message is remembered, so garbage cannot flush the history.
        if let history, signer.isSigning, !history.admit(signature) {
            throw .replayedMessage(msgID: header.msgID)
        }
        return message
    }
}

// HMAC signatures of wire messages (swift-crypto), as lowercase hex.

import Crypto

/// Signs and verifies the four dict frames (header, parent_header, metadata, content) of a
/// message with the connection key. With an empty key nothing is signed or checked, as the
/// protocol prescribes.
public struct Signer: Sendable {
    /// The `signature_scheme` values this signer implements.
    public static let supportedSchemes = ["hmac-sha256", "hmac-sha512"]

    private enum Algorithm: Sendable { case sha256, sha512 }

    /// The raw key (SymmetricKey itself is not Sendable; one is made per signature).
    private let keyBytes: [UInt8]
    private let algorithm: Algorithm

    /// A signer for `key` (raw bytes). Unknown schemes fall back to `hmac-sha256`; the
    /// connection file parser rejects them first.
    public init(key: [UInt8], scheme: String = "hmac-sha256") {
        self.keyBytes = key
        self.algorithm = scheme == "hmac-sha512" ? .sha512 : .sha256
    }

    /// Whether messages are signed at all (the key is not empty).
    public var isSigning: Bool { !keyBytes.isEmpty }

    /// The lowercase hex signature of the frames, or "" without a key.
    public func signature<Frames: Sequence>(of frames: Frames) -> String where Frames.Element == [UInt8] {
        guard isSigning else { return "" }
        let key = SymmetricKey(data: keyBytes)
        switch algorithm {
        case .sha256:
            var hmac = HMAC<SHA256>(key: key)
            for frame in frames { hmac.update(data: frame) }
            return Self.hex(hmac.finalize())
        case .sha512:
            var hmac = HMAC<SHA512>(key: key)
            for frame in frames { hmac.update(data: frame) }
            return Self.hex(hmac.finalize())
        }
    }

    /// Whether `signature` (hex, any case) matches the frames, compared in constant time.
    /// Always true without a key.
    public func isValid<Frames: Sequence>(signature: [UInt8], of frames: Frames) -> Bool
    where Frames.Element == [UInt8] {
        guard isSigning else { return true }
        let expected = Array(self.signature(of: frames).utf8)
        guard expected.count == signature.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, signature) {
            // ASCII-lowercase the received byte so an uppercase hex digest also matches.
            let lowered = (b >= 0x41 && b <= 0x46) ? b | 0x20 : b
            difference |= a ^ lowered
        }
        return difference == 0
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func hex<MAC: MessageAuthenticationCode>(_ mac: MAC) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        mac.withUnsafeBytes { raw in
            for byte in raw {
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

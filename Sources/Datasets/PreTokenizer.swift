/// Splits text into the pieces the ``Tokenizer`` maps to ids.
///
/// The rule is the regex `<<|>>|\d|[A-Za-z]+|[^\sA-Za-z\d]` plus one rule for spaces:
/// - `<<` and `>>` are single pieces; every ASCII digit is its own piece; a run of ASCII letters
///   is one piece; any other non-space character is its own piece.
/// - **Spaces.** A single space `" "` directly before a run of letters belongs to that word's
///   piece (`" has"`, SentencePiece-style). Every other whitespace character is a piece of its own:
///   the space before a digit, a punctuation mark, `<<` or a special token, the extra spaces of a
///   double space, newlines and tabs. So numbers always read as the same ten digit pieces, and
///   `" The answer is: 136"` becomes `" The" " answer" " is" ":" " " "1" "3" "6"`: there is a
///   separate space piece right before the answer digits, as with Llama's tokenizer (the
///   distillation position of method.md §(c) sits on it).
/// - Special-token strings given in `specials` (e.g. `<START>`) are recognised as whole pieces.
/// - **Whole numbers** (`numberDigits` > 1, Llama 3's rule `\d{1,3}` for 3): a run of digits is
///   cut from the left into pieces of up to `numberDigits` digits, so `"1234"` reads `"123"`
///   `"4"` and `" 729"` reads `" "` `"729"`. The default 1 keeps one piece per digit.
///
/// Concatenating the pieces gives back the text exactly, whatever the text is.
public enum PreTokenizer {
    /// The pieces of `text`, in order; their concatenation equals `text`.
    public static func pieces(of text: String, specials: [String] = [], numberDigits: Int = 1) -> [String] {
        let bytes = Array(text.utf8)
        var pieces: [String] = []
        pieces.reserveCapacity(bytes.count / 3)
        scan(bytes, specials: specials.filter { !$0.isEmpty }.map { Array($0.utf8) }, numberDigits: numberDigits) { range in
            pieces.append(String(decoding: bytes[range], as: UTF8.self))
        }
        return pieces
    }

    /// Calls `body` with the byte range of each piece of UTF-8 `bytes`, in order. Working on
    /// bytes keeps this fast: the text is mostly ASCII, and a non-ASCII character is one piece
    /// of its 2–4 bytes.
    static func scan(_ bytes: [UInt8], specials: [[UInt8]], numberDigits: Int = 1, _ body: (Range<Int>) -> Void) {
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "<"), let special = specials.first(where: { matches($0, bytes, at: i) }) {
                body(i..<(i + special.count))
                i += special.count
            } else if byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">"), i + 1 < bytes.count, bytes[i + 1] == byte {
                body(i..<(i + 2))
                i += 2
            } else if isLetter(byte) || (byte == 0x20 && i + 1 < bytes.count && isLetter(bytes[i + 1])) {
                var end = i + 1
                while end < bytes.count, isLetter(bytes[end]) { end += 1 }
                body(i..<end)
                i = end
            } else if numberDigits > 1, isDigit(byte) {
                var end = i + 1
                while end < bytes.count, end - i < numberDigits, isDigit(bytes[end]) { end += 1 }
                body(i..<end)
                i = end
            } else {
                let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                let end = Swift.min(bytes.count, i + length)
                body(i..<end)
                i = end
            }
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `bytes` with every maximal run of ASCII digits reversed (`"a 729, 15"` → `"a 927, 51"`):
    /// the reading order of ``Tokenizer/reversedNumbers``. Its own inverse.
    static func reversingDigitRuns(_ bytes: [UInt8]) -> [UInt8] {
        var output = bytes
        var i = 0
        while i < output.count {
            guard isDigit(output[i]) else { i += 1; continue }
            var end = i + 1
            while end < output.count, isDigit(output[end]) { end += 1 }
            output[i..<end].reverse()
            i = end
        }
        return output
    }

    /// `text` with every maximal run of ASCII digits reversed; see the byte form.
    public static func reversingDigitRuns(_ text: String) -> String {
        String(decoding: reversingDigitRuns(Array(text.utf8)), as: UTF8.self)
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func matches(_ needle: [UInt8], _ haystack: [UInt8], at start: Int) -> Bool {
        guard start + needle.count <= haystack.count else { return false }
        for k in 0..<needle.count where haystack[start + k] != needle[k] { return false }
        return true
    }

    /// ASCII letters `A-Z a-z`.
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
    }

    /// ASCII digits `0-9`: what the tokenizer splits into single-digit tokens (or groups into
    /// whole numbers, with `numberDigits` > 1).
    public static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x39
    }

}

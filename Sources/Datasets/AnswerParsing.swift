import Foundation

/// The paper's answer check (method.md §(e), `src/eval.py`).
///
/// The decoded output (special tokens skipped) is lower-cased and split on
/// `" the answer is:"`; the part after the LAST occurrence is searched for its first number
/// (optional minus sign, digits, optional decimals; thousands commas removed first), which is
/// compared with the label as a float, `|difference| < 1e-6`. An output without the prefix is
/// "bad format" and counts as wrong.
public enum AnswerParsing {
    /// The lower-case marker the output is split on.
    public static let marker = " the answer is:"

    /// What an output says.
    public enum Outcome: Equatable, Sendable {
        /// The first number after the last marker.
        case number(Double)
        /// The marker is there but no number follows it.
        case noNumber
        /// The marker is missing.
        case badFormat
    }

    /// Parses a decoded model output.
    public static func outcome(of output: String) -> Outcome {
        let lowered = output.lowercased()
        guard let last = lowered.range(of: marker, options: .backwards) else { return .badFormat }
        return firstNumber(in: String(lowered[last.upperBound...])).map(Outcome.number) ?? .noNumber
    }

    /// The first number in `text` after removing commas: an optional `-` directly before the
    /// digits, the digits, and a `.` with more digits if present (`"5."` reads as 5).
    public static func firstNumber(in text: String) -> Double? {
        let scalars = Array(text.unicodeScalars.filter { $0 != "," })
        guard let first = scalars.firstIndex(where: PreTokenizer.isDigit) else { return nil }
        var end = first
        while end < scalars.count, PreTokenizer.isDigit(scalars[end]) { end += 1 }
        if end + 1 < scalars.count, scalars[end] == ".", PreTokenizer.isDigit(scalars[end + 1]) {
            end += 1
            while end < scalars.count, PreTokenizer.isDigit(scalars[end]) { end += 1 }
        }
        let start = first > 0 && scalars[first - 1] == "-" ? first - 1 : first
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return Double(String(view))
    }

    /// Whether `output` answers `label` (e.g. `"5,000"`, `"-3"`, `"136"`) correctly. A label
    /// without a number is never matched.
    public static func isCorrect(_ output: String, label: String) -> Bool {
        guard case let .number(predicted) = outcome(of: output),
              let expected = firstNumber(in: label) else { return false }
        return abs(predicted - expected) < 1e-6
    }

    /// The text before the first `" The answer is:"` (any case), or nil when it is missing.
    /// The paper's "total reasoning length" counts the tokens of this text.
    public static func reasoningText(in output: String) -> String? {
        output.range(of: marker, options: .caseInsensitive).map { String(output[..<$0.lowerBound]) }
    }
}

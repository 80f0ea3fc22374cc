// Small text helpers of `latent reproduce`'s terminal table and report: percentages, spreads and
// shell quoting (numbers with separators, durations and HTML escaping are Support's `TextFormat`).

import Foundation

enum ReportText {
    /// 0.6235 → "62.35 %" (two decimals at most, trailing zeros dropped).
    static func percent(_ x: Double) -> String { number(100 * x, digits: 2) + " %" }

    /// `x` with at most `digits` decimals, trailing zeros dropped.
    static func number(_ x: Double, digits: Int) -> String {
        guard x.isFinite else { return "—" }
        var s = String(format: "%.\(digits)f", x)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// Mean and sample standard deviation (0 for one value).
    static func meanAndSpread(_ xs: [Double]) -> (mean: Double, sd: Double) {
        guard !xs.isEmpty else { return (.nan, .nan) }
        let mean = xs.reduce(0, +) / Double(xs.count)
        guard xs.count > 1 else { return (mean, 0) }
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count - 1)
        return (mean, variance.squareRoot())
    }

    /// A word as a POSIX shell reads it back: bare when safe, else in single quotes.
    static func shellQuoted(_ word: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:+@%")
        if !word.isEmpty && word.unicodeScalars.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

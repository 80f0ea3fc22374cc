// Number → text for tick labels and summaries. Fixed rules (never the locale, never
// `Double.description`'s switch to exponent form), so labels read the same on every machine.

import Foundation

enum NumberFormat {
    /// Labels for ticks spaced `step` apart: as many decimals as the step needs (`0.2`, `0.4`),
    /// and the exponent form (`1.5e9`, `2e-9`) when the values are huge or tiny.
    static func tickLabels(_ ticks: [Double], step: Double) -> [String] {
        let maxAbs = ticks.map(abs).max() ?? 0
        let stepExponent = step > 0 ? Int(floor(log10(step) + 1e-9)) : 0
        let scientific = maxAbs >= 1e6 || (maxAbs > 0 && maxAbs < 1e-3)
        return ticks.map { tick in
            if abs(tick) < step * 1e-6 { return "0" }
            if scientific {
                return exponentForm(tick, decimals: max(0, exponent(of: tick) - stepExponent))
            }
            return fixed(tick, decimals: max(0, -stepExponent))
        }
    }

    /// One label for a single value on a log axis (`0.01`, `1`, `1000`, `1e6`, `1e-4`).
    static func logTickLabel(_ value: Double) -> String {
        let e = exponent(of: value)
        if e >= 5 || e <= -4 {
            return exponentForm(value, decimals: significantDecimals(value, digits: 2))
        }
        return trimmed(fixed(value, decimals: max(0, -e + significantDecimals(value, digits: 2))))
    }

    /// A value for a summary or a cell: three significant digits at most, integers as integers
    /// (`2000`, `4.1`, `0.0123`, `1.23e9`).
    static func short(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == value.rounded(), abs(value) < 1e6 { return fixed(value, decimals: 0) }
        let e = exponent(of: value)
        if e >= 6 || e <= -4 {
            return exponentForm(value, decimals: 2)
        }
        return trimmed(fixed(value, decimals: max(0, 2 - e)))
    }

    /// `value` with exactly `decimals` decimals; never `-0`.
    static func fixed(_ value: Double, decimals: Int) -> String {
        let text = String(format: "%.\(min(decimals, 17))f", value)
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// `m e x` with up to `decimals` decimals in the mantissa, trailing zeros dropped: `1.5e9`.
    static func exponentForm(_ value: Double, decimals: Int) -> String {
        var e = exponent(of: value)
        var mantissa = trimmed(fixed(value / pow(10, Double(e)), decimals: min(decimals, 15)))
        // Rounding can carry the mantissa to 10 (9.999 → 10.0): move it to the exponent.
        if mantissa == "10" || mantissa == "-10" {
            e += 1
            mantissa = value < 0 ? "-1" : "1"
        }
        return "\(mantissa)e\(e)"
    }

    /// The decimal exponent of |value| (0 for zero).
    static func exponent(of value: Double) -> Int {
        value == 0 ? 0 : Int(floor(log10(abs(value)) + 1e-12))
    }

    /// Decimals needed in the mantissa to show `digits` significant digits of `value`
    /// without trailing zeros.
    private static func significantDecimals(_ value: Double, digits: Int) -> Int {
        let mantissa = abs(value) / pow(10, Double(exponent(of: value)))
        for d in 0..<digits where abs(mantissa - (mantissa * pow(10, Double(d))).rounded() / pow(10, Double(d))) < 1e-9 {
            return d
        }
        return digits - 1
    }

    /// Drops trailing zeros after a decimal point, and the point itself when nothing follows.
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var out = Substring(text)
        while out.hasSuffix("0") { out = out.dropLast() }
        if out.hasSuffix(".") { out = out.dropLast() }
        return String(out)
    }
}

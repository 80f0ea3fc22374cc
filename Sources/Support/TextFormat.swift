// Text formatting shared by every rendering (host objects, tables, the reproduce report): one
// copy of each helper.

/// Number, duration and HTML text helpers.
public enum TextFormat {
    /// A whole number with thousands separators: 853504 → "853,504".
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Escapes `&`, `<`, `>` and `"` for HTML text and attribute values.
    public static func htmlEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let entity = htmlEntities[scalar] { out += entity } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// The characters HTML text and attribute values must not hold as they are.
    private static let htmlEntities: [Unicode.Scalar: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"]

    /// Seconds as "m:ss", or "h:mm:ss" from an hour on; "--:--" when unknown.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, (total / 60) % 60, total % 60)
        func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }
}

// Small text and HTML helpers shared by the host objects and progress displays.

import Foundation
import Lang
import Support

/// Text helpers for renderings: short numbers, percentages, truncation, HTML tables (numbers with
/// separators, durations and HTML escaping are `TextFormat`'s, in Support).
enum Markup {
    /// A number the way the language prints it (`3`, `0.1`, `1e-7`).
    static func number(_ x: Double) -> String { Value.number(x).plainText }

    /// A figure for summaries: at most 4 significant digits (`1.234`, `0.0009812`, `12345`).
    static func short(_ x: Double) -> String {
        guard x.isFinite else { return number(x) }
        if x == x.rounded(), abs(x) < 1e6 { return number(x) }
        let magnitude = abs(x)
        if magnitude >= 1e6 || magnitude < 1e-4 { return String(format: "%.3g", x) }
        let decimals = max(0, 3 - Int(Foundation.floor(Foundation.log10(magnitude))))
        var s = String(format: "%.\(decimals)f", x)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// A fraction as a percentage with one decimal: `0.9134` → `91.3%`.
    static func percent(_ x: Double) -> String {
        x.isFinite ? String(format: "%.1f%%", x * 100) : number(x)
    }

    /// Seconds for summaries: `0.42 s`, `41.2 s`, `3:05`.
    static func seconds(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        return seconds < 60 ? "\(short(seconds)) s" : TextFormat.duration(seconds)
    }

    /// `text` cut to `limit` characters with an ellipsis, on one line.
    static func clip(_ text: String, _ limit: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count <= limit ? flat : String(flat.prefix(max(0, limit - 1))) + "…"
    }

    /// `n word` or `n words`.
    static func plural(_ n: Int, _ word: String) -> String {
        "\(TextFormat.grouped(n)) \(word)\(n == 1 ? "" : "s")"
    }

    /// A two-column HTML table of label/value pairs (values are already HTML).
    static func fieldTable(_ rows: [(String, String)]) -> String {
        var out = "<table class=\"latent-record\">\n<tbody>\n"
        for (label, value) in rows {
            out += "<tr><th style=\"text-align:left\">\(TextFormat.htmlEscaped(label))</th><td style=\"text-align:left\">\(value)</td></tr>\n"
        }
        return out + "</tbody>\n</table>"
    }

    /// An HTML table with a header row (cells are already HTML).
    static func table(columns: [String], rows: [[String]], footer: String? = nil) -> String {
        var out = "<table class=\"latent-table\">\n<thead><tr>"
        for c in columns { out += "<th style=\"text-align:left\">\(TextFormat.htmlEscaped(c))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>" + row.map { "<td style=\"text-align:left\">\($0)</td>" }.joined() + "</tr>\n"
        }
        out += "</tbody>\n</table>"
        if let footer { out += "\n<p>\(TextFormat.htmlEscaped(footer))</p>" }
        return out
    }
}

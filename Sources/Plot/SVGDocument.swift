// A minimal SVG writer: elements with attributes in the order given (so output bytes never
// depend on dictionary order), text and attribute values XML-escaped, coordinates printed with
// one fixed decimal.

/// Builds one standalone SVG 1.1 document.
struct SVGDocument {
    /// The font stack used for all text; falls back to whatever sans-serif font exists.
    static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    let width: Int
    let height: Int
    private var defs: [String] = []
    private var body: [String] = []

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Adds one element. `attributes` are written in the given order; `text` becomes its content.
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        body.append(Self.render(name, attributes, text: text))
    }

    /// Adds an element to `<defs>` (gradients).
    mutating func definition(_ markup: String) {
        defs.append(markup)
    }

    /// Opens a group; close it with `endGroup()`.
    mutating func beginGroup(_ attributes: [(String, String)]) {
        var line = "<g"
        for (key, value) in attributes { line += " \(key)=\"\(Self.escape(value))\"" }
        body.append(line + ">")
    }

    mutating func endGroup() {
        body.append("</g>")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, extra: [(String, String)] = []) {
        element("rect", [("x", fmt(x)), ("y", fmt(y)), ("width", fmt(max(0, width))), ("height", fmt(max(0, height))), ("fill", fill)] + extra)
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, extra: [(String, String)] = []) {
        element("line", [("x1", fmt(x1)), ("y1", fmt(y1)), ("x2", fmt(x2)), ("y2", fmt(y2)), ("stroke", stroke), ("stroke-width", fmt(width))] + extra)
    }

    /// Text; `anchor` is `start`, `middle` or `end`; `rotate` in degrees about (x, y).
    mutating func text(
        _ content: String, x: Double, y: Double, anchor: String = "start", size: Double = 12,
        weight: String? = nil, fill: String = "#222222", rotate: Double? = nil
    ) {
        var attributes: [(String, String)] = [("x", fmt(x)), ("y", fmt(y))]
        if anchor != "start" { attributes.append(("text-anchor", anchor)) }
        if size != 12 { attributes.append(("font-size", fmt(size))) }
        if let weight { attributes.append(("font-weight", weight)) }
        attributes.append(("fill", fill))
        if let rotate { attributes.append(("transform", "rotate(\(fmt(rotate)) \(fmt(x)) \(fmt(y)))")) }
        element("text", attributes, text: content)
    }

    /// The finished document. `title` becomes the `<title>` element (read by screen readers).
    func render(title: String) -> String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""
        out += " width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\""
        out += " font-family=\"\(SVGDocument.fontFamily)\" font-size=\"12\">\n"
        out += "<title>\(Self.escape(title))</title>\n"
        if !defs.isEmpty {
            out += "<defs>\n" + defs.joined(separator: "\n") + "\n</defs>\n"
        }
        out += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        for line in body { out += line + "\n" }
        out += "</svg>\n"
        return out
    }

    static func render(_ name: String, _ attributes: [(String, String)], text: String?) -> String {
        var line = "<\(name)"
        for (key, value) in attributes { line += " \(key)=\"\(escape(value))\"" }
        if let text { return line + ">\(escape(text))</\(name)>" }
        return line + "/>"
    }

    /// Escapes the five XML special characters and drops control characters XML 1.0 forbids.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += " "
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// A coordinate with one decimal, trailing `.0` dropped: `12`, `12.5`, `-3.2`.
/// Non-finite input (which the charts never produce) prints as `0`.
func fmt(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let clamped = min(max(value, -1e7), 1e7)
    let tenths = Int((clamped * 10).rounded())
    if tenths == 0 { return "0" }
    let sign = tenths < 0 ? "-" : ""
    let magnitude = abs(tenths)
    let whole = magnitude / 10
    let fraction = magnitude % 10
    return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
}

// Text forms of values, exactly as the contract writes them, and value equality.

import Foundation

extension Value: Equatable {
    /// The language's `==`: values of different types are never equal; lists and records
    /// compare element by element; functions and host objects by identity (or `isEqual`).
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.list(let x), .list(let y)): return x == y
        case (.record(let x), .record(let y)):
            guard x.count == y.count else { return false }
            for (k, v) in zip(x.keys, x.values) where y[k] != v { return false }
            return true
        case (.range(let x), .range(let y)): return x == y
        case (.function(let x), .function(let y)): return x === y
        case (.object(let x), .object(let y)): return x.isEqual(to: y)
        default: return false
        }
    }
}

/// Formats numbers the way the language prints them.
enum NumberFormat {
    /// `3` not `3.0`; `0.1`, `3.5`, `0.001`; exponents as `1e-7`, `1.5e20`; `nan`, `inf`, `-inf`.
    static func format(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == x.rounded(), abs(x) < 1e16 {
            return String(Int64(x))
        }
        var s = x.description  // shortest form that reads back exactly
        if let e = s.firstIndex(of: "e") {
            var exponent = String(s[s.index(after: e)...])
            let negative = exponent.hasPrefix("-")
            if exponent.hasPrefix("+") || negative { exponent.removeFirst() }
            while exponent.count > 1 && exponent.hasPrefix("0") { exponent.removeFirst() }
            var mantissa = String(s[..<e])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            s = mantissa + "e" + (negative ? "-" : "") + exponent
        }
        return s
    }
}

extension Value {
    /// The text form as a result (`"ab"` for strings): what the REPL shows and `text/plain` holds.
    public var plainText: String {
        var out = ""
        write(to: &out, quoted: true, depth: 0)
        return out
    }

    /// The text form `print` and `str` use: strings as themselves, everything else as `plainText`.
    public var printText: String {
        if case .string(let s) = self { return s }
        return plainText
    }

    /// A string literal that reads back as `s`.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    out += "\\u{\(String(c.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    /// A record key as written: bare when it is a name, quoted otherwise.
    static func key(_ k: String) -> String {
        guard let first = k.unicodeScalars.first, first.isIdentifierStart,
              k.unicodeScalars.allSatisfy(\.isIdentifierPart), TokenKind.keywords[k] == nil
        else { return quoted(k) }
        return k
    }

    static let maxTextDepth = 64

    /// Appends the text form to `out`. Deep nesting, and a text that has grown past `limit` bytes
    /// (a list holding one long string millions of times), end in an ellipsis.
    func write(to out: inout String, quoted: Bool, depth: Int, limit: Int = Operators.maxStringBytes) {
        if depth > Value.maxTextDepth || out.utf8.count > limit {
            out += "…"
            return
        }
        switch self {
        case .number(let x): out += NumberFormat.format(x)
        case .string(let s): out += quoted ? Value.quoted(s) : s
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "nil"
        case .list(let xs):
            out += "["
            for (k, x) in xs.enumerated() {
                if k > 0 { out += ", " }
                x.write(to: &out, quoted: true, depth: depth + 1, limit: limit)
                if out.utf8.count > limit, k < xs.count - 1 {
                    out += ", …"
                    break
                }
            }
            out += "]"
        case .record(let r):
            out += "{"
            for (k, key) in r.keys.enumerated() {
                if k > 0 { out += ", " }
                out += Value.key(key) + ": "
                r.values[k].write(to: &out, quoted: true, depth: depth + 1, limit: limit)
                if out.utf8.count > limit, k < r.keys.count - 1 {
                    out += ", …"
                    break
                }
            }
            out += "}"
        case .range(let r):
            out += NumberFormat.format(r.lower) + (r.isClosed ? "..." : "..<") + NumberFormat.format(r.upper)
        case .function(let f):
            out += f.isBuiltin ? "<builtin \(f.signature)>" : "<fn \(f.signature)>"
        case .object(let o):
            out += o.plainText
        }
    }

    /// Every rendering of the value: `text/plain` always; records, tables and lists of records
    /// also `text/html`; host objects whatever they offer.
    public var mimeBundle: MimeBundle {
        switch self {
        case .record(let r):
            return MimeBundle(plain: plainText, html: HTML.record(r))
        case .list(let xs):
            if let table = Table(sameKeyRecords: xs) {
                return MimeBundle(plain: plainText, html: table.html)
            }
            return MimeBundle(plain: plainText)
        case .object(let o):
            return o.mimeBundle
        default:
            return MimeBundle(plain: plainText)
        }
    }
}

extension Value: CustomStringConvertible {
    /// The text form as a result (same as `plainText`).
    public var description: String { plainText }
}

extension Record: Equatable {
    /// Same keys with equal values (in any order), as the language's `==`.
    public static func == (a: Record, b: Record) -> Bool { Value.record(a) == Value.record(b) }
}

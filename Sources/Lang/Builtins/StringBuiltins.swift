// Strings: join, words, lower, upper, trim, replace, format.

import Foundation

extension GeneralBuiltins {
    static func strings() -> [Builtin] {
        [
            Builtin(
                name: "join", parameters: [.init("xs"), .init("sep", default: "")],
                summary: "The elements' texts joined into one string, with sep between them.",
                example: "join([\"a\", 1, true], sep: \", \")  # \"a, 1, true\""
            ) { args, _ in
                let parts = try elements(args["xs"], args, "xs").map(\.printText)
                let sep = try args.string("sep")
                let bytes = parts.reduce(0) { $0 + $1.utf8.count } + sep.utf8.count * Swift.max(parts.count - 1, 0)
                if bytes > Operators.maxStringBytes {
                    throw args.valueError("xs", "would join into more than \(Operators.maxStringBytes) bytes")
                }
                try Operators.checkMemory(bytes: bytes, "join")
                return .string(parts.joined(separator: sep))
            },
            Builtin(
                name: "words", parameters: [.init("s"), .init("sep", default: .null)],
                summary: "A string cut into a list: at runs of white space, or at every sep when given.",
                example: "words(\"a b  c\")  # [\"a\", \"b\", \"c\"]"
            ) { args, _ in
                let s = try args.string("s")
                if let sep = try args.optionalString("sep") {
                    guard !sep.isEmpty else { throw args.valueError("sep", "must not be empty") }
                    return .strings(s.components(separatedBy: sep))
                }
                return .strings(s.split(whereSeparator: { $0.isWhitespace }).map(String.init))
            },
            Builtin(
                name: "lower", parameters: [.init("s")], summary: "The string in lower case.",
                example: "lower(\"GSM8K\")  # \"gsm8k\""
            ) { args, _ in .string(try args.string("s").lowercased()) },
            Builtin(
                name: "upper", parameters: [.init("s")], summary: "The string in upper case.",
                example: "upper(\"cot\")  # \"COT\""
            ) { args, _ in .string(try args.string("s").uppercased()) },
            Builtin(
                name: "trim", parameters: [.init("s")], summary: "The string without white space at either end.",
                example: "trim(\"  42 \")  # \"42\""
            ) { args, _ in .string(try args.string("s").trimmingCharacters(in: .whitespacesAndNewlines)) },
            Builtin(
                name: "replace", parameters: [.init("s"), .init("old"), .init("new")],
                summary: "The string with every occurrence of old replaced by new.",
                example: "replace(\"<<2+3=5>>\", \"<<\", \"\")  # \"2+3=5>>\""
            ) { args, _ in
                let old = try args.string("old")
                guard !old.isEmpty else { throw args.valueError("old", "must not be empty") }
                let s = try args.string("s"), new = try args.string("new")
                let growth = new.utf8.count - old.utf8.count
                if growth > 0, s.utf8.count + s.utf8.count / old.utf8.count * growth > Operators.maxStringBytes {
                    let room = (Operators.maxStringBytes - s.utf8.count) / growth
                    if occurrences(of: old, in: s, moreThan: room) {
                        throw args.valueError("new", "would make a string of more than \(Operators.maxStringBytes) bytes")
                    }
                }
                try Operators.checkMemory(bytes: s.utf8.count + Swift.max(growth, 0) * (s.utf8.count / old.utf8.count), "replace")
                return .string(s.replacingOccurrences(of: old, with: new))
            },
            Builtin(
                name: "format", parameters: [.init("x"), .init("digits", default: 2)],
                summary: "A number as text with a fixed number of decimal digits.",
                example: "format(0.91234, digits: 3)  # \"0.912\""
            ) { args, _ in
                let x = try args.number("x")
                let digits = try args.int("digits")
                guard (0...20).contains(digits) else { throw args.valueError("digits", "must be from 0 to 20, got \(digits)") }
                guard x.isFinite else { return .string(NumberFormat.format(x)) }
                return .string(String(format: "%.\(digits)f", x))
            },
        ]
    }

    /// Whether `old` occurs (without overlap, byte for byte) more than `limit` times in `s`.
    static func occurrences(of old: String, in s: String, moreThan limit: Int) -> Bool {
        let needle = Array(old.utf8), bytes = Array(s.utf8)
        var count = 0, i = 0
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) {
                count += 1
                if count > limit { return true }
                i += needle.count
            } else {
                i += 1
            }
        }
        return false
    }
}

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
                .string(try elements(args["xs"], args, "xs").map(\.printText).joined(separator: try args.string("sep")))
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
                return .string(try args.string("s").replacingOccurrences(of: old, with: try args.string("new")))
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
}

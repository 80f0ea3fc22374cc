// The General builtins of LANGUAGE.md, and the helpers they share.

import Foundation

/// The builtins every session has.
enum GeneralBuiltins {
    static func all() -> [Builtin] {
        func group(_ name: String, _ builtins: [Builtin]) -> [Builtin] {
            builtins.map { b in
                var b = b
                b.category = name
                return b
            }
        }
        return group("Output, input and environment", output())
            + group("Values and numbers", introspection() + math())
            + group("Lists, records and tables", collections())
            + group("Strings", strings())
    }

    /// The values `for` would walk in `v`, for builtins that take any sequence.
    static func elements(_ v: Value, _ args: Arguments, _ name: String) throws -> [Value] {
        switch v {
        case .list(let xs): return xs
        case .range(let r):
            try checkSize(r, args, name)
            return (0..<r.count).map { .number(r.element($0)) }
        case .record(let r): return r.keys.map { .string($0) }
        case .string(let s):
            if s.utf8.count > Operators.maxElements, s.count > Operators.maxElements {
                throw args.valueError(name, "is a string of \(s.count) characters, more than \(Operators.maxElements) can be listed at once")
            }
            return s.map { .string(String($0)) }
        case .object(let o):
            guard let n = o.count else { throw args.typeError(name, expected: "a list, range or table") }
            return try (0..<n).map { try o.element(at: $0) }
        default:
            throw args.typeError(name, expected: "a list, range or table")
        }
    }

    /// Ranges too long to hold in memory as a list are a ValueError (a `for` loop can still walk them).
    static func checkSize(_ r: RangeValue, _ args: Arguments, _ name: String) throws {
        if r.count > Operators.maxElements {
            throw args.valueError(name, "is a range of \(r.count) numbers, more than \(Operators.maxElements) can be listed at once")
        }
    }

    /// The numbers in a sequence, naming the first element that is not one.
    static func numbers(_ v: Value, _ args: Arguments, _ name: String) throws -> [Double] {
        if case .range(let r) = v {
            try checkSize(r, args, name)
            return (0..<r.count).map { r.element($0) }
        }
        return try elements(v, args, name).enumerated().map { k, x in
            guard case .number(let n) = x else {
                throw RuntimeError(.typeError, "\(args.function): argument '\(name)' must hold numbers, but element \(k) is a \(x.typeName)")
            }
            return n
        }
    }

    /// The help page: every builtin, grouped, with its one-line summary.
    static func index(_ builtins: [Builtin]) -> String {
        var categories: [String] = []
        for b in builtins where !categories.contains(b.category) { categories.append(b.category) }
        var lines = ["Builtins (help(f) shows a signature, what it does and an example):"]
        for c in categories {
            lines.append("")
            lines.append(c)
            for b in builtins where b.category == c {
                let sig = b.signature.count < 36 ? b.signature.padding(toLength: 36, withPad: " ", startingAt: 0) : b.signature + "\n" + String(repeating: " ", count: 38)
                lines.append("  " + sig + "  " + b.summary)
            }
        }
        lines.append("")
        lines.append("Keywords: " + TokenKind.keywordNames.joined(separator: " "))
        return lines.joined(separator: "\n")
    }
}

// What the operators mean for each pair of value types; errors say what would have worked.

import Foundation
import HostMemory

enum Operators {
    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        switch op {
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        case .less, .lessEqual, .greater, .greaterEqual: return .bool(try compare(op, a, b))
        case .add: return try add(a, b)
        case .multiply:
            switch (a, b) {
            case (.number(let x), .number(let y)): return .number(x * y)
            case (.string(let s), .number), (.number, .string(let s)):
                let n = try repetitions(a.numberValue ?? b.numberValue ?? 0, length: s.utf8.count, limit: Operators.maxStringBytes)
                try checkMemory(bytes: n * s.utf8.count, "repeating this string with '*'")
                return .string(String(repeating: s, count: n))
            case (.list(let xs), .number(let y)), (.number(let y), .list(let xs)):
                let n = try repetitions(y, length: xs.count, limit: Operators.maxElements)
                try checkMemory(bytes: listBytes(n * xs.count), "repeating this list with '*'")
                return .list(Array([[Value]](repeating: xs, count: n).joined()))
            default: throw mismatch("multiply", a, b)
            }
        case .subtract, .divide, .remainder, .power:
            guard case .number(let x) = a, case .number(let y) = b else {
                let verb = ["-": "subtract", "/": "divide", "%": "take the remainder of", "^": "raise"][op.rawValue] ?? op.rawValue
                throw mismatch(verb, a, b)
            }
            switch op {
            case .subtract: return .number(x - y)
            case .divide:
                if y == 0 { throw RuntimeError(.valueError, "division by zero") }
                return .number(x / y)
            case .remainder:
                if y == 0 { throw RuntimeError(.valueError, "remainder of a division by zero") }
                let r = x.truncatingRemainder(dividingBy: y)
                return .number(r != 0 && (r < 0) != (y < 0) ? r + y : r)
            default: return .number(pow(x, y))
            }
        case .and, .or:
            throw RuntimeError(.typeError, "'\(op.rawValue)' is evaluated by the compiler")
        }
    }

    /// The most elements a list made in one step may have (a guard against exhausting memory).
    static let maxElements = 10_000_000

    /// The longest string (in UTF-8 bytes) an operator or builtin makes: a loop that doubles a
    /// string (`s = s + s`) meets a ValueError instead of exhausting memory.
    static let maxStringBytes = 100_000_000

    /// A ValueError unless a string of `bytes` UTF-8 bytes is within `maxStringBytes` and
    /// fits in the memory still available.
    static func checkString(bytes: Int, _ what: String) throws {
        if bytes > maxStringBytes {
            throw RuntimeError(.valueError, "\(what) would make a string of more than \(maxStringBytes) bytes")
        }
        try checkMemory(bytes: bytes, what)
    }

    /// A ValueError when a new value of about `bytes` bytes would not fit in the memory still
    /// available (the least of the machine's, the cgroup's and the address-space limit's): a
    /// loop that keeps making large strings or lists stops with a clear error, not an abort.
    static func checkMemory(bytes: Int, _ what: String) throws {
        do {
            try HostMemory.check(bytes, for: what)
        } catch {
            throw RuntimeError(.valueError, "\(error)")
        }
    }

    /// The bytes a list of `count` elements takes itself (its elements' own storage aside).
    static func listBytes(_ count: Int) -> Int { count * MemoryLayout<Value>.stride }

    static func repetitions(_ y: Double, length: Int, limit: Int) throws -> Int {
        guard y >= 0, y == y.rounded(), y.isFinite else {
            throw RuntimeError(.valueError, "can only repeat a whole, non-negative number of times, got \(Value.number(y).plainText)")
        }
        guard y <= Double(limit), y * Double(length) <= Double(limit) else {
            throw RuntimeError(.valueError, "repeating \(Value.number(y).plainText) times would make more than \(limit) elements")
        }
        return Int(y)
    }

    static func mismatch(_ verb: String, _ a: Value, _ b: Value) -> RuntimeError {
        RuntimeError(.typeError, "cannot \(verb) \(a.typeName) and \(b.typeName)")
    }

    /// `+`: numbers add; strings, lists join; records merge (the right side wins).
    static func add(_ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)): return .number(x + y)
        case (.string(let x), .string(let y)):
            try checkString(bytes: x.utf8.count + y.utf8.count, "joining these strings with '+'")
            return .string(x + y)
        case (.list(let x), .list(let y)):
            if x.count + y.count > maxElements {
                throw RuntimeError(.valueError, "joining these lists with '+' would make more than \(maxElements) elements")
            }
            try checkMemory(bytes: listBytes(x.count + y.count), "joining these lists with '+'")
            return .list(x + y)
        case (.record(var x), .record(let y)):
            for (k, v) in zip(y.keys, y.values) { x[k] = v }
            return .record(x)
        case (.string, _), (_, .string):
            throw RuntimeError(.typeError, "cannot add \(a.typeName) and \(b.typeName): '+' joins two strings (convert with str(x))")
        case (.list, _):
            throw RuntimeError(.typeError, "cannot add list and \(b.typeName): '+' joins two lists (wrap the value: xs + [v])")
        default:
            throw mismatch("add", a, b)
        }
    }

    /// `<` and friends: numbers with numbers, strings with strings; anything else is a TypeError.
    static func compare(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            switch op {
            case .less: return x < y
            case .lessEqual: return x <= y
            case .greater: return x > y
            default: return x >= y
            }
        case (.string(let x), .string(let y)):
            let (sx, sy) = (Array(x.unicodeScalars).map(\.value), Array(y.unicodeScalars).map(\.value))
            switch op {
            case .less: return sx.lexicographicallyPrecedes(sy)
            case .lessEqual: return !sy.lexicographicallyPrecedes(sx)
            case .greater: return sy.lexicographicallyPrecedes(sx)
            default: return !sx.lexicographicallyPrecedes(sy)
            }
        default:
            if a.typeName == b.typeName {
                throw RuntimeError(.typeError, "cannot compare two \(a.typeName)s with '\(op.rawValue)': only numbers and strings are ordered")
            }
            throw RuntimeError(.typeError, "cannot compare \(a.typeName) with \(b.typeName) using '\(op.rawValue)'")
        }
    }

    // MARK: - Indexing and fields

    /// Resolves a possibly negative index against `count`.
    static func position(_ i: Double, count: Int, of what: String) throws -> Int {
        guard i == i.rounded(), i.isFinite else {
            throw RuntimeError(.valueError, "an index must be a whole number, got \(Value.number(i).plainText)")
        }
        let k = i < 0 ? Double(count) + i : i
        guard k >= 0, k < Double(count) else {
            throw RuntimeError(.valueError, "index \(Value.number(i).plainText) is out of range for a \(what) of length \(count)")
        }
        return Int(k)
    }

    /// The positions a range selects from a sequence of `count` (clamped, negative bounds from the end).
    static func slice(_ r: RangeValue, count: Int) throws -> Range<Int> {
        guard r.lower == r.lower.rounded(), r.upper == r.upper.rounded(), r.lower.isFinite, r.upper.isFinite else {
            throw RuntimeError(.valueError, "a slice needs whole-number bounds, got \(Value.range(r).plainText)")
        }
        func clamp(_ x: Double) -> Int { Int(max(0, min(Double(count), x < 0 ? Double(count) + x : x))) }
        let lo = clamp(r.lower)
        let hi = clamp(r.isClosed ? r.upper + 1 : r.upper)
        return lo..<max(lo, hi)
    }

    static func index(_ base: Value, _ key: Value) throws -> Value {
        switch (base, key) {
        case (.list(let xs), .number(let i)):
            return xs[try position(i, count: xs.count, of: "list")]
        case (.list(let xs), .range(let r)):
            return .list(Array(xs[try slice(r, count: xs.count)]))
        case (.string(let s), .number(let i)):
            let chars = Array(s)
            return .string(String(chars[try position(i, count: chars.count, of: "string")]))
        case (.string(let s), .range(let r)):
            let chars = Array(s)
            return .string(String(chars[try slice(r, count: chars.count)]))
        case (.record(let r), .string(let k)):
            guard let v = r[k] else {
                throw RuntimeError(.valueError, "the record has no key \(key.plainText); its keys are: \(r.keys.joined(separator: ", "))")
            }
            return v
        case (.range(let r), .number(let i)):
            return .number(r.element(try position(i, count: r.count, of: "range")))
        case (.object(let o), .number(let i)):
            guard let n = o.count else { return try o.index(key) }
            return try o.element(at: try position(i, count: n, of: o.typeName))
        case (.object(let o), _):
            return try o.index(key)
        case (.list, _), (.string, _), (.range, _):
            throw RuntimeError(.typeError, "a \(base.typeName) index must be a number or a range, got \(key.typeName)")
        case (.record, _):
            throw RuntimeError(.typeError, "a record index must be a string (a key), got \(key.typeName)")
        default:
            throw RuntimeError(.typeError, "a \(base.typeName) cannot be indexed")
        }
    }

    static func field(_ base: Value, _ name: String) throws -> Value {
        switch base {
        case .record(let r):
            if let v = r[name] { return v }
            let known = r.keys.isEmpty ? "it has none" : "its fields are: " + r.keys.joined(separator: ", ")
            throw RuntimeError(.nameError, "the record has no field '\(name)'; \(known)")
        case .object(let o):
            if let v = try o.field(name) { return v }
            let known = o.fieldNames.isEmpty ? "it has none" : "its fields are: " + o.fieldNames.joined(separator: ", ")
            throw RuntimeError(.nameError, "a \(o.typeName) has no field '\(name)'; \(known)")
        case .range(let r) where name == "lower" || name == "upper":
            return .number(name == "lower" ? r.lower : r.upper)
        default:
            throw RuntimeError(.typeError, "a \(base.typeName) has no fields (tried '.\(name)')")
        }
    }
}

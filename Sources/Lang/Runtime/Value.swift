// The runtime value of the latent language: a small closed enum, plus the records and ranges it holds.

/// A value of the latent language.
///
/// Lists, records and ranges are immutable values; functions and host objects are references.
/// Engine bindings receive and return `Value`s; the literal conformances make that short:
/// `let v: Value = ["lr": 0.001, "epochs": 2]`.
public enum Value {
    /// Every number is a 64-bit float.
    case number(Double)
    case string(String)
    case bool(Bool)
    /// The language's `nil`.
    case null
    case list([Value])
    /// A record; its keys keep their order.
    case record(Record)
    /// `1...4` or `0..<4`.
    case range(RangeValue)
    /// A user function (`fn`) or a builtin.
    case function(FunctionValue)
    /// An engine object (dataset, model, run, evaluation, trace, plot, table…): a handle.
    case object(any HostObject)

    /// The name `type(x)` reports: `"number"`, `"string"`, `"bool"`, `"nil"`, `"list"`,
    /// `"record"`, `"range"`, `"function"`, or the host object's `typeName`.
    public var typeName: String {
        switch self {
        case .number: return "number"
        case .string: return "string"
        case .bool: return "bool"
        case .null: return "nil"
        case .list: return "list"
        case .record: return "record"
        case .range: return "range"
        case .function: return "function"
        case .object(let object): return object.typeName
        }
    }

    /// Whether this is `nil`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The number inside, if this is a number.
    public var numberValue: Double? {
        if case .number(let x) = self { return x }
        return nil
    }

    /// The string inside, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The host object inside, if this is one of type `T`.
    public func object<T: HostObject>(as type: T.Type) -> T? {
        if case .object(let object) = self { return object as? T }
        return nil
    }
}

/// An ordered record: `{lr: 0.001, epochs: 2}`. Keys are unique and keep insertion order.
public struct Record {
    /// The keys, in order.
    public private(set) var keys: [String]
    /// The values, in the order of `keys`.
    public private(set) var values: [Value]

    /// An empty record.
    public init() {
        keys = []
        values = []
    }

    /// A record from key/value pairs in order; a repeated key keeps its last value.
    public init(_ pairs: [(String, Value)]) {
        self.init()
        for (key, value) in pairs { self[key] = value }
    }

    /// A record from keys already known to be unique (record literals, tables).
    init(uniqueKeys: [String], values: [Value]) {
        keys = uniqueKeys
        self.values = values
    }

    /// The number of fields.
    public var count: Int { keys.count }

    /// The value stored under `key`; assigning adds the key at the end or replaces its value.
    public subscript(key: String) -> Value? {
        get {
            guard let i = keys.firstIndex(of: key) else { return nil }
            return values[i]
        }
        set {
            if let i = keys.firstIndex(of: key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// The fields as pairs, in order.
    public var fields: [(key: String, value: Value)] {
        Array(zip(keys, values)).map { (key: $0.0, value: $0.1) }
    }
}

/// A numeric range: `1...4` (closed) or `0..<4` (half-open). It walks from `lower` in steps of 1.
public struct RangeValue: Equatable {
    public var lower: Double
    public var upper: Double
    /// `true` for `...`, `false` for `..<`.
    public var isClosed: Bool

    public init(lower: Double, upper: Double, isClosed: Bool) {
        self.lower = lower
        self.upper = upper
        self.isClosed = isClosed
    }

    /// How many values the range walks through (0 when empty or not finite).
    public var count: Int {
        guard lower.isFinite, upper.isFinite else { return 0 }
        let span = upper - lower
        if span < 0 { return 0 }
        let whole = span.rounded(.down)
        guard whole < 9.0e15 else { return 9_000_000_000_000_000 }
        var n = Int(whole) + 1
        if !isClosed && lower + Double(n - 1) >= upper { n -= 1 }
        return max(n, 0)
    }

    /// The `i`th value (no bounds check).
    public func element(_ i: Int) -> Double { lower + Double(i) }

    /// Whether `x` lies within the bounds (not only on the walked values).
    public func contains(_ x: Double) -> Bool {
        isClosed ? (x >= lower && x <= upper) : (x >= lower && x < upper)
    }
}

// MARK: - Literals, so bindings can write values directly

extension Value: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) { self = .record(Record(elements)) }
}

extension Record: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) { self.init(elements) }
}

extension Value {
    /// A number from an integer.
    public static func int(_ n: Int) -> Value { .number(Double(n)) }
    /// A list of numbers.
    public static func numbers(_ xs: [Double]) -> Value { .list(xs.map { .number($0) }) }
    /// A list of strings.
    public static func strings(_ xs: [String]) -> Value { .list(xs.map { .string($0) }) }
}

// MARK: - Nesting limit

extension Value {
    /// How deeply lists and records may nest. Deeper values are refused when built, so that
    /// comparing, printing and freeing them never exhausts a thread's stack.
    public static let maxNesting = 200

    /// Whether a list or record holding `elements` would nest deeper than `maxNesting`.
    static func tooDeep(_ elements: [Value]) -> Bool {
        depth(of: elements, budget: maxNesting) > maxNesting
    }

    /// 1 + the deepest element, counting only lists and records; stops counting past `budget`.
    private static func depth(of elements: [Value], budget: Int) -> Int {
        guard budget > 0 else { return 1 }
        var deepest = 0
        for e in elements {
            let d: Int
            switch e {
            case .list(let xs): d = depth(of: xs, budget: budget - 1)
            case .record(let r): d = depth(of: r.values, budget: budget - 1)
            default: continue
            }
            deepest = max(deepest, d)
            if deepest >= budget { break }
        }
        return deepest + 1
    }

    /// The error for a value that would nest too deeply (prefixed with the builtin's name).
    static func nestingError(in function: String? = nil) -> RuntimeError {
        RuntimeError(.valueError, (function.map { "\($0): " } ?? "") + "lists and records may nest at most \(maxNesting) levels deep")
    }
}

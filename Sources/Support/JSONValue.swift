// The project's one JSON value type, with its own strict parser (JSONParser) and writer
// (JSONWriter): the kernel's wire messages, safetensors headers and GSM8K-Aug records all decode
// into it.

/// A JSON document. A number written without a fraction or exponent that fits an `Int` parses
/// as `.integer` (exact, so a safetensors offset or a large answer loses no digits); every other
/// number as `.number`. The two compare equal when they hold the same value, and integral
/// doubles encode without a decimal point. Objects are unordered dictionaries. `Sendable`, so
/// messages can cross threads.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The empty object `{}`.
    public static let emptyObject = JSONValue.object([:])

    /// Decodes UTF-8 JSON text; throws `JSONError` on anything malformed.
    public init(parsing bytes: [UInt8]) throws(JSONError) {
        var parser = JSONParser(bytes)
        self = try parser.parseDocument()
    }

    /// Decodes JSON text from a string.
    public init(parsing text: String) throws(JSONError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// The value as compact UTF-8 JSON text (object keys sorted, so equal values give equal bytes).
    public func serialized() -> [UInt8] {
        var writer = JSONWriter()
        writer.write(self)
        return writer.bytes
    }

    /// The value as compact JSON text.
    public var text: String { String(decoding: serialized(), as: UTF8.self) }
}

// MARK: - Typed access (nil when the value has another type)

extension JSONValue {
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }

    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }

    public var doubleValue: Double? {
        switch self {
        case .number(let n): n
        case .integer(let i): Double(i)
        default: nil
        }
    }

    /// The number as an `Int` when it is integral and in range (`3` and `3.0` alike).
    public var intValue: Int? {
        if case .integer(let i) = self { return i }
        guard case .number(let n) = self, n.isFinite, n == n.rounded(),
              n >= -9_007_199_254_740_992, n <= 9_007_199_254_740_992 else { return nil }
        return Int(n)
    }

    /// The elements as Ints when this is an array of numbers written as integers (`[1, 2]`;
    /// nil for `[1.0]`, `[1.5]` or `[true]`): for formats that demand integers.
    public var integers: [Int]? {
        guard case .array(let items) = self else { return nil }
        var out: [Int] = []
        for item in items {
            guard case .integer(let i) = item else { return nil }
            out.append(i)
        }
        return out
    }

    /// JSON's name of the value's type, for messages: "null", "boolean", "number", "string",
    /// "array" or "object".
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }

    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }

    /// `value["key"]` on an object; nil for other types or a missing key.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

// MARK: - Literals, so outgoing content reads like the spec

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var object: [String: JSONValue] = [:]
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }

    /// A JSON number from an `Int`.
    public static func int(_ value: Int) -> JSONValue { .integer(value) }

    /// A JSON object mapping each key to a string (MIME bundles).
    public static func strings(_ dictionary: [String: String]) -> JSONValue {
        .object(dictionary.mapValues { .string($0) })
    }
}

extension JSONValue {
    /// Equal kinds with equal contents; an `.integer` equals a `.number` of the same value.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case let (.bool(x), .bool(y)): x == y
        case let (.integer(x), .integer(y)): x == y
        case let (.number(x), .number(y)): x == y
        case let (.integer(x), .number(y)), let (.number(y), .integer(x)): Double(x) == y && y.isFinite && Int(exactly: y) == x
        case let (.string(x), .string(y)): x == y
        case let (.array(x), .array(y)): x == y
        case let (.object(x), .object(y)): x == y
        default: false
        }
    }
}

/// Why JSON text could not be decoded (with the byte offset where it went wrong).
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int

    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

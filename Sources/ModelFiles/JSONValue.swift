// A strict JSON value for reading safetensors headers: integers stay integers (1.5 or true
// is never taken for an Int), so malformed headers are reported precisely.

import Foundation

/// Any JSON value, decoded with `JSONDecoder`.
enum JSONValue: Decodable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !list.isAtEnd { items.append(try list.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var items: [String: JSONValue] = [:]
            for key in object.allKeys { items[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let b = try? single.decode(Bool.self) { self = .bool(b) }
        else if let i = try? single.decode(Int.self) { self = .integer(i) }
        else if let d = try? single.decode(Double.self) { self = .number(d) }
        else { self = .string(try single.decode(String.self)) }
    }

    /// The elements as Ints, if this is an array of integers.
    var integers: [Int]? {
        guard case .array(let items) = self else { return nil }
        var out: [Int] = []
        for item in items {
            guard case .integer(let i) = item else { return nil }
            out.append(i)
        }
        return out
    }

    /// A short name of the JSON type, for error messages.
    var kind: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .integer, .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

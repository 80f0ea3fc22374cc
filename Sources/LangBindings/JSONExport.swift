// A language value as JSON, for `save(x, "file.json")`: numbers, strings, booleans, nil, lists,
// ranges, records and tables (a list of row objects). Anything else — a model, a function —
// has no JSON form and is refused by name.

import Lang
import Support

enum JSONExport {
    /// `value` as JSON; `path` names the place inside it in the error (`x.runs[2]`).
    static func json(_ value: Value, path: String = "x") throws -> JSONValue {
        switch value {
        case .number(let x): return .number(x)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .list(let items):
            return .array(try items.enumerated().map { try json($1, path: "\(path)[\($0)]") })
        case .range(let r):
            guard r.count <= 1_000_000 else { throw notJSON(path, "a range of \(r.count) numbers (more than 1,000,000)") }
            return .array((0..<r.count).map { .number(r.lower + Double($0)) })
        case .record(let record):
            var object: [String: JSONValue] = [:]
            for (key, item) in zip(record.keys, record.values) { object[key] = try json(item, path: "\(path).\(key)") }
            return .object(object)
        case .object(let table as Table):
            return .array(try table.rows.enumerated().map { i, row in
                var object: [String: JSONValue] = [:]
                for (column, item) in zip(table.columns, row) { object[column] = try json(item, path: "\(path)[\(i)].\(column)") }
                return .object(object)
            })
        case .function, .object:
            throw notJSON(path, "a \(value.typeName)")
        }
    }

    private static func notJSON(_ path: String, _ what: String) -> RuntimeError {
        RuntimeError(.typeError, "save: \(path) is \(what), which has no JSON form; save numbers, strings, lists, "
            + "records or tables as .json (e.g. {accuracy: e.accuracy, by_steps: e.by_steps})")
    }
}

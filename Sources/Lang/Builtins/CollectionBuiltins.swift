// Lists, records and tables: len, keys, values, has, contains, append, sort, reverse, map,
// filter, zip, list, table, shuffle.

extension GeneralBuiltins {
    static func collections() -> [Builtin] {
        [
            Builtin(
                name: "len", parameters: [.init("x")],
                summary: "The length of a string, list, record, range, table or dataset.",
                example: "len([1, 2, 3])  # 3"
            ) { args, _ in
                switch args["x"] {
                case .string(let s): return .int(s.count)
                case .list(let xs): return .int(xs.count)
                case .record(let r): return .int(r.count)
                case .range(let r): return .int(r.count)
                case .object(let o):
                    guard let n = o.count else { throw args.typeError("x", expected: "a string, list, record, range or table") }
                    return .int(n)
                default: throw args.typeError("x", expected: "a string, list, record, range or table")
                }
            },
            Builtin(
                name: "keys", parameters: [.init("r")],
                summary: "A record's keys (a table's columns, an object's fields), in order.",
                example: "keys({lr: 0.001, epochs: 2})  # [\"lr\", \"epochs\"]"
            ) { args, _ in
                switch args["r"] {
                case .record(let r): return .strings(r.keys)
                case .object(let o): return .strings(o.fieldNames)
                default: throw args.typeError("r", expected: "a record")
                }
            },
            Builtin(
                name: "values", parameters: [.init("r")],
                summary: "A record's values, in the order of its keys.",
                example: "values({lr: 0.001, epochs: 2})  # [0.001, 2]"
            ) { args, _ in .list(try args.record("r").values) },
            Builtin(
                name: "has", parameters: [.init("r"), .init("key")],
                summary: "Whether a record has a key.",
                example: "has({lr: 0.001}, \"lr\")  # true"
            ) { args, _ in .bool(try args.record("r")[try args.string("key")] != nil) },
            Builtin(
                name: "contains", parameters: [.init("xs"), .init("item")],
                summary: "Whether a list holds an item, a string a substring, a range a number, a record a key.",
                example: "contains([1, 2, 3], 2)  # true"
            ) { args, _ in
                let item = args["item"]
                switch args["xs"] {
                case .list(let xs): return .bool(xs.contains(item))
                case .string(let s):
                    guard case .string(let sub) = item else { throw args.typeError("item", expected: "a string") }
                    return .bool(sub.isEmpty || s.contains(sub))
                case .range(let r):
                    guard case .number(let x) = item else { return false }
                    return .bool(r.contains(x) && x == (x - r.lower).rounded() + r.lower)
                case .record(let r):
                    guard case .string(let k) = item else { return false }
                    return .bool(r[k] != nil)
                default: return .bool(try elements(args["xs"], args, "xs").contains(item))
                }
            },
            Builtin(
                name: "append", parameters: [.init("xs"), .init("item")],
                summary: "A new list with the item added at the end (lists never change; same as xs + [item]).",
                example: "xs = append(xs, 4)"
            ) { args, _ in
                let old = try args.list("xs")
                if old.count >= Operators.maxElements {
                    throw args.valueError("xs", "has \(old.count) elements; a list may have at most \(Operators.maxElements)")
                }
                try Operators.checkMemory(bytes: Operators.listBytes(old.count + 1), "append")
                if Value.tooDeep([args["item"]]) { throw Value.nestingError(in: "append") }
                return .list(old + [args["item"]])
            },
            Builtin(
                name: "sort", parameters: [.init("xs"), .init("by", default: .null)],
                summary: "A sorted copy of a list of numbers or strings; by: a function giving each element's sort key.",
                example: "sort([3, 1, 2])  # [1, 2, 3]"
            ) { args, context in
                let xs = try elements(args["xs"], args, "xs")
                let keys: [Value]
                if args["by"].isNull {
                    keys = xs
                } else {
                    let by = args["by"]
                    keys = try xs.map { try context.call(by, [$0]) }
                }
                var failure: RuntimeError?
                let order = keys.indices.sorted { a, b in
                    do { return try Operators.compare(.less, keys[a], keys[b]) } catch {
                        failure = failure ?? RuntimeError(.typeError, "sort: cannot order \(keys[a].typeName) and \(keys[b].typeName): sort keys must be all numbers or all strings")
                        return false
                    }
                }
                if let failure { throw failure }
                return .list(order.map { xs[$0] })
            },
            Builtin(
                name: "reverse", parameters: [.init("xs")],
                summary: "A list (or string) in reverse order.",
                example: "reverse([1, 2, 3])  # [3, 2, 1]"
            ) { args, _ in
                if case .string(let s) = args["xs"] { return .string(String(s.reversed())) }
                return .list(try elements(args["xs"], args, "xs").reversed())
            },
            Builtin(
                name: "map", parameters: [.init("xs"), .init("f")],
                summary: "A list of f(x) for each element x.",
                example: "map([1, 2, 3], fn(x) { x * x })  # [1, 4, 9]"
            ) { args, context in
                let f = args["f"]
                guard case .function = f else { throw args.typeError("f", expected: "a function") }
                let results = try elements(args["xs"], args, "xs").map { try context.call(f, [$0]) }
                if Value.tooDeep(results) { throw Value.nestingError(in: "map") }
                return .list(results)
            },
            Builtin(
                name: "filter", parameters: [.init("xs"), .init("f")],
                summary: "The elements x for which f(x) is true.",
                example: "filter([1, 2, 3, 4], fn(x) { x % 2 == 0 })  # [2, 4]"
            ) { args, context in
                let f = args["f"]
                guard case .function = f else { throw args.typeError("f", expected: "a function") }
                return .list(try elements(args["xs"], args, "xs").filter { x in
                    switch try context.call(f, [x]) {
                    case .bool(let keep): return keep
                    case let other: throw RuntimeError(.typeError, "filter: the function must return true or false, got \(other.typeName)")
                    }
                })
            },
            Builtin(
                name: "zip", parameters: [.init("xs"), .init("ys")],
                summary: "Pairs of elements at the same position, as two-element lists (as long as the shorter one).",
                example: "zip([1, 2], [\"a\", \"b\"])  # [[1, \"a\"], [2, \"b\"]]"
            ) { args, _ in
                let (a, b) = (try elements(args["xs"], args, "xs"), try elements(args["ys"], args, "ys"))
                if Value.tooDeep(a) || Value.tooDeep(b) { throw Value.nestingError(in: "zip") }
                return .list(zip(a, b).map { .list([$0, $1]) })
            },
            Builtin(
                name: "list", parameters: [.init("xs")],
                summary: "The elements of a range, string, record (its keys), table or dataset as a list.",
                example: "list(1...4)  # [1, 2, 3, 4]"
            ) { args, _ in .list(try elements(args["xs"], args, "xs")) },
            Builtin(
                name: "table", parameters: [.init("rows")],
                summary: "A table from a list of records that share their keys.",
                example: "t = table([{n: 1, acc: 0.5}, {n: 2, acc: 0.75}]); t.acc  # [0.5, 0.75]"
            ) { args, _ in
                if case .object(let o) = args["rows"], o is Table { return args["rows"] }
                let records = try args.list("rows").enumerated().map { k, v -> Record in
                    guard case .record(let r) = v else {
                        throw RuntimeError(.typeError, "table: argument 'rows' must be a list of records, but element \(k) is a \(v.typeName)")
                    }
                    return r
                }
                do { return .object(try Table(records: records)) } catch { throw RuntimeError(.valueError, "table: \(error.runtimeError.message)") }
            },
            Builtin(
                name: "shuffle", parameters: [.init("xs")],
                summary: "A shuffled copy of a list, reproducible after seed(n).",
                example: "seed(1); shuffle([1, 2, 3, 4])"
            ) { args, context in
                var xs = try elements(args["xs"], args, "xs")
                context.withRandom { xs.shuffle(using: &$0) }
                return .list(xs)
            },
        ]
    }
}

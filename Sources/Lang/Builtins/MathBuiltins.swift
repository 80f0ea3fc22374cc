// Numbers: type, str, num, abs, sqrt, exp, log, round, floor, ceil, sum, mean, min, max.

import Foundation

extension GeneralBuiltins {
    static func introspection() -> [Builtin] {
        [
            Builtin(
                name: "type", parameters: [.init("x")],
                summary: "The name of a value's type: \"number\", \"string\", \"list\", \"record\", \"model\", …",
                example: "type([1, 2])  # \"list\""
            ) { args, _ in .string(args["x"].typeName) },
            Builtin(
                name: "str", parameters: [.init("x")],
                summary: "A value's text, as print writes it.",
                example: "\"epochs: \" + str(15)  # \"epochs: 15\""
            ) { args, _ in .string(args["x"].printText) },
            Builtin(
                name: "num", parameters: [.init("s")],
                summary: "The number a string holds (ValueError when it holds none).",
                example: "num(\"42\") + 1  # 43"
            ) { args, _ in
                switch args["s"] {
                case .number(let x): return .number(x)
                case .bool(let b): return .number(b ? 1 : 0)
                case .string(let s):
                    let t = s.trimmingSpaces.replacingOccurrences(of: "_", with: "")
                    guard !t.isEmpty, let x = Double(t) ?? ["nan": Double.nan, "inf": .infinity, "-inf": -.infinity][t.lowercased()] else {
                        throw args.valueError("s", "is not a number: \(Value.quoted(s))")
                    }
                    return .number(x)
                default: throw args.typeError("s", expected: "a string")
                }
            },
        ]
    }

    static func unary(_ name: String, _ summary: String, _ example: String,
                      domain: ((Double) -> String?)? = nil, _ f: @escaping (Double) -> Double) -> Builtin {
        Builtin(name: name, parameters: [.init("x")], summary: summary, example: example) { args, _ in
            let x = try args.number("x")
            if let problem = domain?(x) { throw args.valueError("x", problem) }
            return .number(f(x))
        }
    }

    static func math() -> [Builtin] {
        [
            unary("abs", "The absolute value.", "abs(-3)  # 3") { Swift.abs($0) },
            unary("sqrt", "The square root.", "sqrt(2)  # 1.4142135623730951",
                  domain: { $0 < 0 ? "must not be negative, got \(Value.number($0).plainText)" : nil }) { $0.squareRoot() },
            unary("exp", "e raised to x.", "exp(1)  # 2.718281828459045") { Foundation.exp($0) },
            unary("log", "The natural logarithm.", "log(exp(2))  # 2",
                  domain: { $0 <= 0 ? "must be positive, got \(Value.number($0).plainText)" : nil }) { Foundation.log($0) },
            unary("floor", "The largest whole number not above x.", "floor(2.7)  # 2") { $0.rounded(.down) },
            unary("ceil", "The smallest whole number not below x.", "ceil(2.1)  # 3") { $0.rounded(.up) },
            Builtin(
                name: "round", parameters: [.init("x"), .init("digits", default: 0)],
                summary: "Rounds to the given number of decimal digits (halves away from zero).",
                example: "round(3.14159, digits: 2)  # 3.14"
            ) { args, _ in
                let x = try args.number("x")
                let digits = try args.int("digits")
                guard digits != 0 else { return .number(x.rounded()) }
                // Beyond 15 digits a double has nothing left to round.
                guard digits <= 15, x.isFinite else { return .number(x) }
                let scale = Foundation.pow(10.0, Double(Swift.min(Swift.max(digits, -300), 300)))
                // A number that large has no decimal digits left to round.
                guard digits < 0 || Swift.abs(x * scale) < 0x1p52 else { return .number(x) }
                let r = (x * scale).rounded() / scale
                // Read back through the shortest text so 0.1 + 0.2 rounds to 0.3, not 0.30000000000000004.
                return .number(Double(String(format: "%.\(Swift.max(digits, 0))f", r)) ?? r)
            },
            Builtin(
                name: "sum", parameters: [.init("xs")],
                summary: "The sum of a list or range of numbers (0 when empty).",
                example: "sum([1, 2, 3.5])  # 6.5"
            ) { args, _ in
                .number(try numbers(args["xs"], args, "xs").reduce(0, +))
            },
            Builtin(
                name: "mean", parameters: [.init("xs")],
                summary: "The average of a list or range of numbers (ValueError when empty).",
                example: "mean([1, 2, 3, 4])  # 2.5"
            ) { args, _ in
                let xs = try numbers(args["xs"], args, "xs")
                guard !xs.isEmpty else { throw args.valueError("xs", "is empty: the mean needs at least one number") }
                return .number(xs.reduce(0, +) / Double(xs.count))
            },
            extremum("min", "The smallest of a list (or of several arguments): numbers or strings.", "min([3, 1, 2])  # 1", .less),
            extremum("max", "The largest of a list (or of several arguments): numbers or strings.", "max(3, 7)  # 7", .greater),
        ]
    }

    static func extremum(_ name: String, _ summary: String, _ example: String, _ op: BinaryOperator) -> Builtin {
        Builtin(name: name, parameters: [.init("xs")], isVariadic: true, summary: summary,
                signature: "\(name)(xs)", example: example) { args, _ in
            let items = args.rest.isEmpty ? try elements(args["xs"], args, "xs") : [args["xs"]] + args.rest
            guard var best = items.first else { throw args.valueError("xs", "is empty: \(name) needs at least one value") }
            for x in items.dropFirst() {
                do {
                    if try Operators.compare(op, x, best) { best = x }
                } catch {
                    throw RuntimeError(.typeError, "\(name): cannot compare \(x.typeName) with \(best.typeName): the values must be all numbers or all strings")
                }
            }
            if best.numberValue == nil && best.stringValue == nil {
                throw RuntimeError(.typeError, "\(name): the values must be numbers or strings, got \(best.typeName)")
            }
            return best
        }
    }
}

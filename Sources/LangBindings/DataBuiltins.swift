// Data builtins: arith, load_data, split, take, results_only (save lives in SaveBuiltin.swift).

import Datasets
import Lang

/// The Data category of the contract.
enum DataBuiltins {
    static let category = "Data"

    static var all: [Builtin] { [arith, loadData, split, take, resultsOnly] }

    static var arith: Builtin {
        Builtin(
            name: "arith",
            parameters: [.init("n", default: 1000), .init("steps", default: .range(RangeValue(lower: 1, upper: 4, isClosed: true))),
                         .init("max", default: 99), .init("seed", default: 0)],
            summary: "Generates n arithmetic word problems in GSM8K-Aug form ({question, steps, answer}); "
                + "each has a number of steps drawn from `steps`, operands up to `max`, intermediate values 0…999. "
                + "The same arguments always give the same problems.",
            example: "data = arith(n: 20000, steps: 1...4, seed: 1)",
            category: category
        ) { args, _ in
            let n = try args.int("n")
            let steps = try stepRange(args)
            let max = try args.int("max")
            let seed = try args.int("seed")
            let dataset = try EngineErrors.run("arith", "n") {
                try Dataset.arith(n: n, steps: steps, max: max, seed: seed)
            }
            return .object(DatasetObject(dataset))
        }
    }

    /// `steps`: a whole number or a range of whole numbers (`1...4`, `1..<5`).
    static func stepRange(_ args: Arguments) throws -> ClosedRange<Int> {
        let accepted = "a whole number or a range of whole numbers such as 1...4"
        switch args["steps"] {
        case .number:
            let k = try args.int("steps")
            return k...k
        case .range(let r):
            guard r.lower.isFinite, r.upper.isFinite, r.lower == r.lower.rounded(), r.upper == r.upper.rounded() else {
                throw args.valueError("steps", "must be \(accepted), got \(Value.range(r).plainText)")
            }
            let lower = Int(r.lower), upper = Int(r.upper) - (r.isClosed ? 0 : 1)
            guard lower <= upper else {
                throw args.valueError("steps", "must be \(accepted), got the empty range \(Value.range(r).plainText)")
            }
            return lower...upper
        default:
            throw args.typeError("steps", expected: accepted)
        }
    }

    static var loadData: Builtin {
        Builtin(
            name: "load_data", parameters: [.init("path")],
            summary: "Reads a dataset from GSM8K-Aug JSON, JSON Lines ({question, steps or cot, answer}) "
                + "or the implicit-CoT text form (question||cot #### answer); malformed lines are skipped with a warning.",
            example: "test = load_data(\"data/icot/test.txt\")",
            category: category
        ) { args, context in
            let path = try args.string("path")
            let interruption = context.interruption
            let loaded = try EngineErrors.run("load_data", "path") {
                try Dataset.load(path: Paths.resolve(path)) { interruption.isRequested }
            }
            if !loaded.warnings.isEmpty {
                let shown = loaded.warnings.prefix(5).map { "  \($0.description)" }
                let more = loaded.warnings.count > 5 ? ["  … \(loaded.warnings.count) warnings in all"] : []
                let skipped = loaded.warnings.filter(\.skipped).count
                let head = "load_data: \(path): \(Markup.plural(skipped, "line")) skipped, "
                    + "\(Markup.plural(loaded.dataset.count, "example")) read"
                context.emit(.stream(.stderr, ([head] + shown + more).joined(separator: "\n") + "\n"))
            }
            return .object(DatasetObject(loaded.dataset))
        }
    }

    static var split: Builtin {
        Builtin(
            name: "split", parameters: [.init("data"), .init("fraction", default: 0.9), .init("seed", default: 0)],
            summary: "Shuffles a dataset (deterministically, by seed) and splits it into a record {train, test}; "
                + "`fraction` of the examples go to train.",
            signature: "split(data, 0.9, seed: 0)",
            example: "parts = split(data, 0.9)  # parts.train, parts.test",
            category: category
        ) { args, _ in
            let data = try dataset(args, "data")
            let fraction = try args.number("fraction")
            guard fraction.isFinite, fraction >= 0, fraction <= 1 else {
                throw args.valueError("fraction", "must be a number from 0 to 1, e.g. 0.9, got \(Markup.number(fraction))")
            }
            let seed = try args.int("seed")
            let parts = try EngineErrors.run("split", "fraction") { try data.dataset.split(fraction: fraction, seed: seed) }
            return .record(["train": .object(DatasetObject(parts.train)), "test": .object(DatasetObject(parts.test))])
        }
    }

    static var take: Builtin {
        Builtin(
            name: "take", parameters: [.init("data"), .init("n")],
            summary: "The first n examples of a dataset (or the first n elements of a list or table rows).",
            example: "small = take(data, 100)",
            category: category
        ) { args, _ in
            let n = try args.int("n")
            guard n >= 0 else { throw args.valueError("n", "must be 0 or more, got \(n)") }
            switch args["data"] {
            case .object(let o as DatasetObject):
                return .object(DatasetObject(try EngineErrors.run("take", "n") { try o.dataset.take(n) }))
            case .object(let t as Table):
                return .object(Table(columns: t.columns, rows: Array(t.rows.prefix(n))))
            case .list(let xs):
                return .list(Array(xs.prefix(n)))
            default:
                throw args.typeError("data", expected: "a dataset, a list or a table")
            }
        }
    }

    static var resultsOnly: Builtin {
        Builtin(
            name: "results_only", parameters: [.init("data")],
            summary: "The same problems with each calculator step cut down to its result (<<74/2=37>> becomes <<37>>): "
                + "a chain of thought that writes every intermediate result but not the operands. Questions, answers "
                + "and order are kept, so split with the same seed gives the same partition.",
            example: "ro = results_only(arith(n: 20000, steps: 1...4, seed: 1))",
            category: category
        ) { args, _ in
            let data = try dataset(args, "data")
            return .object(DatasetObject(try EngineErrors.run("results_only", "data") { try data.dataset.resultsOnly() }))
        }
    }

    /// The dataset argument `name`, or a TypeError naming it.
    static func dataset(_ args: Arguments, _ name: String) throws -> DatasetObject {
        try args.object(name, as: DatasetObject.self, expected: "a dataset (from arith, load_data, split, take or results_only)")
    }
}

// `frontier`: a latent model forced to think 0…n latent steps on every problem, the baseline
// every adaptive stop is judged against (is a learned stop better than forcing fewer steps?).

import Lang
import Plot
import Training

enum FrontierBuiltin {
    static var frontier: Builtin {
        Builtin(
            name: "frontier",
            parameters: [.init("model"), .init("data"), .init("counts", default: .range(RangeValue(lower: 0, upper: 8, isClosed: true))),
                         .init("compare", default: .null), .init("batch", default: 64)],
            summary: "The fixed-count frontier of a latent model: accuracy and mean total length (latent steps + 2) "
                + "with every forced count in `counts`, the best single count, and the per-difficulty oracle (each "
                + "step count gets the smallest forced count within 1 point of its best). `compare` is a record of "
                + "evaluations (e.g. {adaptive: evaluate(m, test)}) placed on the plot, with their margin over the "
                + "frontier at their own length. Shows as a plot; see docs/method.md, \"Judging a stop\".",
            example: "f = frontier(m, parts.test, compare: {adaptive: evaluate(m, parts.test)})",
            category: InferenceBuiltins.category
        ) { args, context in
            let model = try ModelBuiltins.model(args)
            let data = try DataBuiltins.dataset(args, "data")
            guard let latent = model.latent else {
                throw args.valueError("model", "has no latent reasoning yet (distill it first): a frontier forces latent steps")
            }
            guard !data.dataset.isEmpty else { throw args.valueError("data", "is empty; pass a dataset with at least one example") }
            let counts = try forcedCounts(args)
            let batch = try ModelBuiltins.positive(args, "batch")
            let compared = try comparisons(args)
            let interruption = context.interruption
            let total = counts.count * data.dataset.count
            let progress = ProgressDisplay(context: context, title: "frontier", unit: "example", total: total)
            var points: [ForcedCountPoint] = []
            for (i, c) in counts.enumerated() {
                let result = try EngineErrors.run("frontier", "data") {
                    try LatentEvaluator.evaluate(
                        model: latent, tokenizer: model.tokenizer, data: data.dataset, policy: .forced(c),
                        maximumAnswerTokens: 32, batchSize: batch,
                        onProgress: { done, _ in
                            progress.update(done: i * data.dataset.count + done, total: total, metrics: [])
                            return interruption.isRequested ? .stop : .continue
                        },
                        shouldStop: { interruption.isRequested })
                }
                if interruption.isRequested {
                    progress.finish(status: "interrupted at forced count \(c)", summary: MimeBundle(plain: "stopped", html: nil, svg: nil))
                    throw RuntimeError(.interrupted, "frontier: interrupted at forced count \(c) of \(counts.map(String.init).joined(separator: ", "))")
                }
                points.append(ForcedCountPoint(count: c, accuracy: result.result.accuracy,
                                               byDifficulty: result.result.bySteps.map { ($0.steps, $0.count, $0.accuracy) }))
            }
            let object = FrontierObject(frontier: FixedCountFrontier(points: points), compared: compared)
            progress.finish(status: "done", summary: object.mimeBundle)
            return .object(object)
        }
    }

    /// `counts`: a range or list of whole numbers ≥ 0, at most 64 of them.
    static func forcedCounts(_ args: Arguments) throws -> [Int] {
        let values: [Double]
        switch args["counts"] {
        case .range(let r):
            guard r.lower.isFinite, r.upper.isFinite, r.count <= 64 else {
                throw args.valueError("counts", "must be a range of at most 64 whole numbers, such as 0...8")
            }
            values = (0..<r.count).map { r.lower + Double($0) }
        case .list: values = try args.numbers("counts")
        default: throw args.typeError("counts", expected: "a range or list of forced latent-step counts, such as 0...8")
        }
        guard !values.isEmpty, values.count <= 64 else { throw args.valueError("counts", "must hold 1 to 64 counts, got \(values.count)") }
        return try values.map { v in
            guard v >= 0, v <= 64, v == v.rounded() else {
                throw args.valueError("counts", "holds \(Value.number(v).plainText): a forced count is a whole number from 0 to 64")
            }
            return Int(v)
        }.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }.sorted()
    }

    /// `compare`: nil, or a record of name → evaluation in a latent mode.
    static func comparisons(_ args: Arguments) throws -> [(name: String, point: LengthAccuracy)] {
        switch args["compare"] {
        case .null: return []
        case .record(let record):
            return try zip(record.keys, record.values).map { name, value in
                guard case .object(let object) = value, let e = object as? EvaluationObject, e.latentSteps != nil else {
                    throw args.typeError("compare", expected: "a record of latent-mode evaluations (\(name) is a \(value.typeName))")
                }
                return (name, LengthAccuracy(meanLength: e.result.meanLength, accuracy: e.result.accuracy))
            }
        default: throw args.typeError("compare", expected: "a record of evaluations, such as {adaptive: evaluate(m, test)}")
        }
    }
}

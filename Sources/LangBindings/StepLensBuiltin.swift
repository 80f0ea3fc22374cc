// step_lens(model, data): the step lens over a dataset (Training.StepLensReport) as a table.

import Lang
import Training

extension InferenceBuiltins {
    static var stepLens: Builtin {
        Builtin(
            name: "step_lens",
            parameters: [.init("model"), .init("data"), .init("mode", default: "latent")],
            summary: "What the latent steps carry, by step count: each problem is solved greedily with its trace, and what "
                + "its latent inputs write (the step lens of `solve`, read as one stream so a result spread over several "
                + "latents counts once) is compared with the reference's results, one problem at a time. Columns: steps "
                + "(\"all\" for every problem), count, accuracy, first_exact (the first latent writes the first result exactly), "
                + "chain_exact (every intermediate result is written exactly, in order; a 1-step problem always counts), "
                + "accuracy_given_chain (accuracy among those), answer_is_last_latent (the answer is what the last latent "
                + "writes), wrong_at_i (the chain first misses intermediate result i). Low chain_exact: the chain computes "
                + "badly; high chain_exact with low accuracy_given_chain: the answer does not use it. `mode` is \"latent\" or "
                + "a forced number of latent steps.",
            example: "step_lens(m, take(parts.test, 300))",
            category: category
        ) { args, context in
            let model = try ModelBuiltins.model(args)
            let data = try DataBuiltins.dataset(args, "data")
            guard case .latent(let latent, let policy) = try mode(args, model: model) else {
                throw args.valueError("mode", "must be \"latent\" or a number of latent steps: the step lens reads latent steps")
            }
            guard !data.dataset.isEmpty else { throw args.valueError("data", "is empty; pass a dataset with at least one example") }
            let interruption = context.interruption
            let progress = ProgressDisplay(context: context, title: "step_lens", unit: "example", total: data.dataset.count)
            let report = try EngineErrors.run("step_lens", "data") {
                try StepLensReport.measure(model: latent, tokenizer: model.tokenizer, data: data.dataset, policy: policy) { done, total in
                    progress.update(done: done, total: total, metrics: [])
                    return interruption.isRequested ? .stop : .continue
                }
            }
            let done = report.rows.last?.count ?? 0
            let summary = MimeBundle(plain: "step lens on \(done) examples")
            if interruption.isRequested && done < data.dataset.count {
                progress.finish(status: "interrupted after \(done) of \(data.dataset.count) examples", summary: summary)
                throw RuntimeError(.interrupted, "step_lens: interrupted after \(done) of \(data.dataset.count) examples")
            }
            progress.finish(status: "done", summary: summary)
            return .object(table(report))
        }
    }

    static func table(_ report: StepLensReport) -> Table {
        // One wrong_at_i column per intermediate result the longest problems have.
        let wrongColumns = (report.rows.compactMap(\.steps).max() ?? 1) - 1
        return Table(columns: ["steps", "count", "accuracy", "first_exact", "chain_exact", "accuracy_given_chain", "answer_is_last_latent"]
                        + (0..<max(0, wrongColumns)).map { "wrong_at_\($0 + 1)" },
              rows: report.rows.map { r in
                  func share(_ k: Int, of n: Int) -> Value { n == 0 ? .null : .number(Double(k) / Double(n)) }
                  return [r.steps.map(Value.int) ?? .string("all"), .int(r.count), share(r.correct, of: r.count),
                          share(r.firstExact, of: r.count), share(r.chainExact, of: r.count),
                          share(r.correctGivenChain, of: r.chainExact), share(r.answerIsLastLatent, of: r.count)]
                      + (0..<max(0, wrongColumns)).map { share(r.firstWrong[$0, default: 0], of: r.count) }
              })
    }
}

import Foundation

extension Dataset {
    /// The same problems with each calculator step cut down to its result: `<<74/2=37>>`
    /// becomes `<<37>>`; a step that is already a bare result (`<<37>>`) stays as it is.
    ///
    /// This is the "results-only" chain of thought of BENCHMARKS.md: every intermediate result
    /// is still written (and supervised) as text, but the operands are not copied next to it, so
    /// the model has to compute each result from the question and the results before it in one
    /// pass per digit. Questions, answers and order are unchanged, so `split` with the same seed
    /// gives the same partition as on the original data.
    /// - Throws: ``DatasetError/invalidArgument(function:argument:message:)`` naming the first
    ///   example whose steps are not calculator equations (prose or multiplication data), or
    ///   whose equation has no result after its last `=`.
    public func resultsOnly() throws -> Dataset {
        let cut = try examples.enumerated().map { index, example in
            let steps = try example.steps.map { step in
                guard CoTStyle.isEquation(step) else {
                    throw DatasetError.invalidArgument(
                        function: "results_only", argument: "data",
                        message: "example \(index) has the step \(Self.quoted(step)), not a calculator equation <<a op b=r>>; "
                            + "results_only needs GSM8K-Aug style steps (arith or GSM8K-Aug files)")
                }
                return try Self.resultOnly(step, example: index)
            }
            return Example(question: example.question, steps: steps, answer: example.answer)
        }
        let origin = source.isEmpty ? "" : "results_only(\(source))"
        return Dataset(cut, source: origin)
    }

    /// `<<expr=r>>` → `<<r>>`; `<<r>>` unchanged.
    private static func resultOnly(_ step: String, example index: Int) throws -> String {
        let body = step.dropFirst(2).dropLast(2)
        guard let equals = body.lastIndex(of: "=") else { return step }
        let result = body[body.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard !result.isEmpty else {
            throw DatasetError.invalidArgument(
                function: "results_only", argument: "data",
                message: "example \(index) has the step \(quoted(step)) with nothing after its '='")
        }
        return "<<\(result)>>"
    }

    private static func quoted(_ step: String) -> String {
        let short = step.count > 40 ? String(step.prefix(40)) + "…" : step
        return "'\(short)'"
    }
}

// NonFiniteDiagnosis: what a trainer can say about a step whose gradient was not finite.
//
// When a step's loss is finite but its gradient is not, the divergence guard rolls it back, and
// "the loss or a gradient is not finite" would say nothing about where (the late failures that
// this was written to explain turned out to be the guard's spike rule, measured
// 2026-12-05; this stays for the real case). Before it rolls back, the trainer asks
// two questions: which parameters' gradients hold
// NaN or ±inf, and — recomputing the step's shards on the calling thread with a watched backward
// pass (``Tensor/backwardLocatingNonFinite(gradient:)``) — which op first turned a finite
// gradient into a non-finite one. The answer goes into the run's notes and the error text.

import Models
import TensorCore

enum NonFiniteDiagnosis {
    /// The names of the parameters whose accumulated gradient holds a value that is not finite.
    static func parametersWithNonFiniteGradients(_ named: [(name: String, tensor: Tensor)]) -> [String] {
        named.filter { !$0.tensor.gradientIsFinite }.map(\.name)
    }

    /// One line about the failed step `step`: the parameters its gradient reached (read before
    /// the caller zeroes them) and the op that produced it, found by recomputing each shard's
    /// loss on `model` with `loss` and backpropagating it watched. The model's gradients are
    /// zeroed afterwards.
    static func describe<Shard>(
        step: Int, model: LatentModel, shards: [Shard], loss: (LatentModel, Shard) throws -> Tensor
    ) -> String {
        let named = model.namedParameters()
        let reached = parametersWithNonFiniteGradients(named)
        var text = "step \(step): the gradient is not finite in "
        text += reached.isEmpty ? "no parameter (the norm overflowed)" : summary(reached, of: named.count)
        for p in named.map(\.tensor) { p.zeroGrad() }
        var located: [String] = []
        for (i, shard) in shards.enumerated() {
            do {
                let value = try loss(model, shard)
                if !value.item.isFinite {
                    located.append("shard \(i): its loss is not finite when recomputed")
                    value.detachGraph()
                } else if let origin = value.backwardLocatingNonFinite() {
                    located.append("shard \(i): \(origin)")
                }
            } catch {
                located.append("shard \(i): recomputing it failed: \(error)")
            }
        }
        for p in named.map(\.tensor) { p.zeroGrad() }
        text += located.isEmpty
            ? "; recomputed on one thread, every shard's gradient is finite (not reproducible: a race, or a value at the edge of the range)"
            : "; " + located.joined(separator: "; ")
        return text
    }

    private static func summary(_ names: [String], of total: Int) -> String {
        let shown = names.prefix(6).joined(separator: ", ")
        return names.count > 6 ? "\(shown) and \(names.count - 6) more (\(names.count) of \(total) parameters)"
            : "\(shown) (\(names.count) of \(total) parameters)"
    }
}

// The step lens: what a latent vector says when the model is asked to write it out. Step-level
// supervision (`distill(…, step_weight:)`, after SIM-CoT) trains the model to write reasoning
// step k from latent vector k alone; this runs the same read-out at inference, greedily, so a
// trace can show which intermediate result each latent step carries.

import TensorCore

extension LatentModel {
    /// Greedy text from `vector` (a latent input F(h), dimension d) given alone as the first
    /// position of a fresh sequence: at most `maximumTokens` tokens, stopping at `<eos>` or when
    /// `until(tokens so far)` is true. Special tokens are never written.
    /// - Throws: ``ModelError/invalidInput(_:)`` for a vector of the wrong size or a budget < 1.
    public func writtenTokens(from vector: [Float], maximumTokens: Int = 12, until: ([Int]) -> Bool = { _ in false }) throws -> [Int] {
        let c = base.configuration
        guard vector.count == c.dimension else {
            throw ModelError.invalidInput("a latent vector has \(c.dimension) values, got \(vector.count)")
        }
        guard maximumTokens > 0 else { throw ModelError.invalidInput("the step lens needs a budget of at least 1 token") }
        let excluded = [tokens.continue, tokens.stop, tokens.end, tokens.start, tokens.pad]
        return try Autograd.withoutGrad {
            let cache = KeyValueCache(for: base, batchSize: 1, capacity: min(c.maximumLength, maximumTokens + 1))
            var out = try base.forward(embeddings: Tensor(vector, shape: [1, 1, c.dimension]), starts: [0], cache: cache,
                                       lastPositionOnly: true)
            var written: [Int] = []
            while written.count < maximumTokens {
                let token = Self.maskedArgmax(out.logits.data, v: c.vocabularySize, excluded: excluded)
                if token == tokens.eos { break }
                written.append(token)
                if until(written) || written.count == maximumTokens { break }
                out = try base.forward(TokenBatch(rows: [[token]], padID: tokens.pad), cache: cache, lastPositionOnly: true)
            }
            return written
        }
    }
}

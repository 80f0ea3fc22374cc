// Recomputing the log-probabilities of sampled actions through the latent recurrence, with
// gradients (the GRPO policy term) or without (the frozen reference model). The forward calls
// mirror `sample` column by column over a key/value cache (differentiable with autograd on): the prompt chunk, then
// one position per column whose input is F(h) for a row that continued, the <END> embedding for
// a row that stopped, the embedding of the drawn answer token, or padding for a finished row.
// The logits of each action are those the sampler drew from: the stop head's two logits ÷ the
// head temperature at decisions, the masked LM-head logits ÷ the temperature at answer tokens.

import TensorCore

/// The recomputed log-probabilities of every action of a set of completions.
public struct ActionLogProbabilities {
    /// `[N]`, one entry per action of every completion (column-major order), with a graph back
    /// to the model's weights when autograd was on.
    public let values: Tensor
    /// For completion i, the positions in ``values`` of its actions, in action order.
    public let indices: [[Int]]

    /// The values of completion `i`'s actions, in order (read without a graph).
    public func logProbabilities(of i: Int) -> [Double] { indices[i].map { Double(values.data[$0]) } }
}

extension LatentModel {
    /// The log-probability of each action of `samples[i]` after `prompts[i]` under this model.
    ///
    /// With the same weights and settings as at sampling time these equal each sample's
    /// `logProbabilities` (up to float rounding). Runs all completions as one batch, each
    /// distinct prompt once (its keys and values are shared by its completions).
    /// - Throws: ``ModelError/invalidInput(_:)`` for mismatched counts, prompts not ending in
    ///   `<START>` or sequences longer than the model's maximum length.
    public func actionLogProbabilities(
        prompts: [[Int]], samples: [LatentSample], settings: LatentSamplingSettings = LatentSamplingSettings()
    ) throws -> ActionLogProbabilities {
        try settings.validate()
        guard prompts.count == samples.count, !prompts.isEmpty else {
            throw ModelError.invalidInput("\(prompts.count) prompts for \(samples.count) samples (need the same, at least one)")
        }
        if let i = prompts.firstIndex(where: { $0.last != tokens.start }) {
            throw ModelError.invalidInput("prompt \(i) does not end with <START> (id \(tokens.start))")
        }
        let c = base.configuration
        let (v, d, b) = (c.vocabularySize, c.dimension, prompts.count)
        // Each distinct prompt runs once; its keys and values then serve all its completions.
        var unique: [[Int]] = [], rowOf: [Int] = [], seen: [[Int]: Int] = [:]
        for p in prompts {
            if seen[p] == nil { seen[p] = unique.count; unique.append(p) }
            rowOf.append(seen[p]!)
        }
        let batch = TokenBatch(rows: unique, padID: tokens.pad, padding: .left)
        let (u, length) = (unique.count, batch.length)
        let columns = samples.map(\.actionCount).max() ?? 0
        guard length + columns - 1 <= c.maximumLength else {
            throw ModelError.invalidInput("a completion of \(length + columns - 1) positions exceeds the model's maximum length \(c.maximumLength)")
        }
        let actions = samples.map { $0.actions(tokens) }
        // Without gradients (the reference model) the preallocated cache is faster.
        let preallocated = !Autograd.needsGrad(parameters())
        let promptCache = KeyValueCache(for: base, batchSize: u, starts: batch.starts, capacity: preallocated ? length : nil)
        let first = try base.forward(batch, cache: promptCache, lastPositionOnly: true)
        let cache = promptCache.repeating(rows: rowOf, capacity: preallocated ? length + columns : nil)
        var hidden = ModelOps.gatherRows(first.hidden, rows: rowOf.map { $0 * length + length - 1 })
        var logits = ModelOps.gatherRows(first.logits.reshaped([u, v]), rows: rowOf)
        var parts: [Tensor] = []
        var indices = [[Int]](repeating: [], count: b)
        var offset = 0
        let (headScale, tokenScale) = (Float(1 / settings.headTemperature), Float(1 / settings.temperature))
        for column in 0..<columns {
            // Which rows act at this column, and how.
            var binary = [Bool](repeating: false, count: b)
            var decisionRows: [Int] = [], tokenRows: [Int] = []
            for r in 0..<b where column < actions[r].count {
                if column <= samples[r].latentSteps {
                    binary[r] = true
                    decisionRows.append(r)
                } else {
                    tokenRows.append(r)
                }
            }
            let masked = maskedLogits(logits, binary: binary)
            for (rows, scale) in [(decisionRows, headScale), (tokenRows, tokenScale)] where !rows.isEmpty {
                let picked = ModelOps.gatherRows(masked, rows: rows) * scale
                parts.append(pick(logSoftmax(picked), indices: rows.map { actions[$0][column] }))
                for (k, r) in rows.enumerated() { indices[r].append(offset + k) }
                offset += rows.count
            }
            guard column + 1 < columns else { break }
            // Inputs of the next position: F(h) for rows that continue, else a token embedding.
            var sources = [Int](repeating: 0, count: b)
            var thinking = false
            for r in 0..<b {
                let a = column < actions[r].count ? actions[r][column] : tokens.pad
                if binary[r] && column < samples[r].latentSteps {
                    sources[r] = r
                    thinking = true
                } else if binary[r] {
                    sources[r] = b + (a == tokens.stop ? tokens.end : tokens.pad)
                } else {
                    sources[r] = b + (a == tokens.eos || column >= actions[r].count ? tokens.pad : a)
                }
            }
            let table = thinking ? concat([filter(hidden), base.embedding], axis: 0)
                : concat([Tensor(zeros: [b, d]), base.embedding], axis: 0)
            let x = ModelOps.gatherRows(table, rows: sources).reshaped([b, 1, d])
            let out = try base.forward(embeddings: x, starts: cache.starts, cache: cache)
            hidden = out.hidden.reshaped([b, d])
            logits = out.logits.reshaped([b, v])
        }
        return ActionLogProbabilities(values: concat(parts, axis: 0), indices: indices)
    }
}

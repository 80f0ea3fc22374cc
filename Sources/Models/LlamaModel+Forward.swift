// The forward pass: token ids (or input vectors) → logits, optionally through a cache.

import TensorCore

extension LlamaModel {
    /// Runs the decoder over a batch of token ids.
    ///
    /// - Parameters:
    ///   - batch: ids `[B, T]`; with a `cache`, these are the positions after the cached ones
    ///     and the cache's `starts` apply (the batch's own are ignored).
    ///   - cache: keys and values of earlier positions; extended by this call.
    ///   - hiddenRows: flat row indices `b·T + t` at which to return every block's hidden
    ///     state (``ModelOutput/layerStates``).
    ///   - lastPositionOnly: compute logits for the last position of each row only (`[B, 1, V]`).
    ///   - logitRows: compute logits only at these flat rows `b·T + t` (`[rows.count, V]`):
    ///     training needs them only where a target is, and the output head is the widest matrix.
    /// - Throws: ``ModelError/invalidInput(_:)`` for ids outside the vocabulary or sequences
    ///   longer than the model's maximum length (or the cache's capacity).
    public func forward(
        _ batch: TokenBatch, cache: KeyValueCache? = nil, hiddenRows: [Int]? = nil,
        lastPositionOnly: Bool = false, logitRows: [Int]? = nil
    ) throws -> ModelOutput {
        let v = configuration.vocabularySize
        if let bad = batch.tokens.first(where: { $0 < 0 || $0 >= v }) {
            throw ModelError.invalidInput("token id \(bad) is outside the vocabulary 0..<\(v)")
        }
        let x = ModelOps.embedding(embedding, ids: batch.tokens, shape: [batch.batchSize, batch.length])
        return try forward(embeddings: x, starts: batch.starts, cache: cache, hiddenRows: hiddenRows,
                           lastPositionOnly: lastPositionOnly, logitRows: logitRows)
    }

    /// Runs the decoder over input vectors `x` (`[B, T, D]`) instead of token ids — the entry
    /// point for latent reasoning, where a position's input is computed from a hidden state.
    /// Build token inputs with ``embed(_:)``. Parameters as in ``forward(_:cache:hiddenRows:lastPositionOnly:)``.
    public func forward(
        embeddings x: Tensor, starts: [Int], cache: KeyValueCache? = nil, hiddenRows: [Int]? = nil,
        lastPositionOnly: Bool = false, logitRows: [Int]? = nil
    ) throws -> ModelOutput {
        let c = configuration
        guard x.rank == 3, x.dim(2) == c.dimension else {
            throw ModelError.invalidInput("inputs must be [batch, positions, \(c.dimension)], got \(x.shape)")
        }
        let (b, t, d) = (x.dim(0), x.dim(1), x.dim(2))
        let past = cache?.length ?? 0
        let rowStarts = cache?.starts ?? starts
        guard rowStarts.count == b, cache.map({ $0.batchSize == b }) ?? true else {
            throw ModelError.invalidInput("batch of \(b) rows does not match \(rowStarts.count) row starts (or the cache)")
        }
        guard t > 0, past + t <= c.maximumLength else {
            throw ModelError.invalidInput(
                "sequence of \(past + t) positions exceeds the model's maximum length \(c.maximumLength)")
        }
        try Self.checkMemory(Self.activationBytes(c, rows: b, positions: t, past: past),
                             for: "a forward pass over \(b) rows of \(t) tokens")
        let recording = Autograd.needsGrad(parameters() + [x])
        if let capacity = cache?.capacity {
            guard past + t <= capacity else {
                throw ModelError.invalidInput("sequence of \(past + t) positions exceeds the cache capacity \(capacity)")
            }
            guard !recording else {
                throw ModelError.invalidInput("a preallocated cache is for inference: run it inside Autograd.withoutGrad")
            }
        }
        if let rows = hiddenRows, let bad = rows.first(where: { $0 < 0 || $0 >= b * t }) {
            throw ModelError.invalidInput("hidden-state row \(bad) is outside 0..<\(b * t)")
        }
        if let rows = logitRows, let bad = rows.first(where: { $0 < 0 || $0 >= b * t }) {
            throw ModelError.invalidInput("logit row \(bad) is outside 0..<\(b * t)")
        }
        var positions = [Int](repeating: 0, count: b * t)
        for row in 0..<b {
            for i in 0..<t { positions[row * t + i] = max(0, past + i - rowStarts[row]) }
        }
        let epsilon = Float(c.normEpsilon)
        // Without autograd the residual stream is a private buffer updated in place (see
        // ModelOps+InPlace); with it, every step makes a new tensor that the graph keeps.
        var h = recording ? x : ModelOps.copy(x)
        var states: [Tensor] = []
        for (l, w) in blocks.enumerated() {
            // Attention: queries, keys and values of the normalised stream, rotated by position.
            let n1 = ModelOps.rmsNorm(h, weight: w.inputNorm, epsilon: epsilon)
            let q = ModelOps.rotary(ModelOps.linear(n1, weight: w.query), positions: positions, table: rotary)
            let k = ModelOps.rotary(ModelOps.linear(n1, weight: w.key), positions: positions, table: rotary)
            let val = ModelOps.linear(n1, weight: w.value)
            let a = cache?.attend(layer: l, query: q, key: k, value: val, heads: c.heads)
                ?? ModelOps.causalAttention(query: q, key: k, value: val, heads: c.heads, starts: rowStarts)
            if recording {
                h = ModelOps.add(h, ModelOps.linear(a, weight: w.output))
            } else {
                ModelOps.addLinear(into: h, a, weight: w.output)
            }
            // MLP: SwiGLU of the normalised stream.
            let n2 = ModelOps.rmsNorm(h, weight: w.postAttentionNorm, epsilon: epsilon)
            let gate = ModelOps.linear(n2, weight: w.gate), up = ModelOps.linear(n2, weight: w.up)
            if recording {
                h = ModelOps.add(h, ModelOps.linear(ModelOps.swiGLU(gate: gate, up: up), weight: w.down))
            } else {
                ModelOps.addLinear(into: h, ModelOps.swiGLUInPlace(gate: gate, up: up), weight: w.down)
            }
            if let rows = hiddenRows, l < blocks.count - 1 { states.append(ModelOps.gatherRows(h, rows: rows)) }
        }
        cache?.advance(by: t)
        let final = ModelOps.rmsNorm(h, weight: finalNorm, epsilon: epsilon)
        if let rows = hiddenRows { states.append(ModelOps.gatherRows(final, rows: rows)) }
        let headInput: Tensor
        if let rows = logitRows {
            headInput = ModelOps.gatherRows(final, rows: rows)
        } else if lastPositionOnly {
            headInput = ModelOps.gatherRows(final, rows: (0..<b).map { $0 * t + t - 1 }).reshaped([b, 1, d])
        } else {
            headInput = final
        }
        let logits = ModelOps.linear(headInput, weight: embedding)
        return ModelOutput(logits: logits, hidden: final, layerStates: states)
    }

    /// The input vectors of token ids: rows of the embedding, shape `shape + [D]`.
    public func embed(_ ids: [Int], shape: [Int]) -> Tensor {
        ModelOps.embedding(embedding, ids: ids, shape: shape)
    }
}

extension LlamaModel {
    /// A generous estimate of what one forward pass allocates (and training keeps for the
    /// backward pass): per token and layer the normed inputs, projections, MLP activations and
    /// attention scores, plus the logits and their softmax.
    static func activationBytes(_ c: LlamaConfiguration, rows: Int, positions: Int, past: Int) -> Int {
        let perLayer = 12 * c.dimension + 4 * c.mlpHiddenSize + 2 * c.heads * (past + positions)
        let perToken = c.layers * perLayer + 3 * c.vocabularySize
        let (tokens, overflow) = rows.multipliedReportingOverflow(by: positions)
        let (floats, overflow2) = tokens.multipliedReportingOverflow(by: perToken)
        return overflow || overflow2 || floats > Int.max / 4 ? Int.max : 4 * floats
    }
}

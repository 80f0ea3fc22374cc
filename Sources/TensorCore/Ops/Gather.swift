// Row gathers with scatter-add backward: embedding lookup, gathering rows of activations
// (e.g. the hidden state at one position per sequence), and picking one entry per row.

/// Rows `indices` of a matrix-like tensor: `source` is `[N, C]` (or `[..., C]`, rows flattened);
/// the result is `[indices.count, C]`. Backward scatter-adds into the picked rows (repeated
/// indices accumulate).
public func gatherRows(_ source: Tensor, indices: [Int]) -> Tensor {
    let profiled = Profiler.open(.copy)
    defer { Profiler.close(profiled) }
    let C = source.dim(-1)
    let N = source.count / max(C, 1)
    for i in indices { precondition(i >= 0 && i < N, "gatherRows: row \(i) outside 0..<\(N)") }
    let out = Tensor(uninitialized: [indices.count, C])
    let (ps, po) = (source.data, out.data)
    for (r, i) in indices.enumerated() { (po + r * C).update(from: ps + i * C, count: C) }
    if Autograd.needsGrad(source) {
        out.recordOp(inputs: [source]) { out in
            let (g, gs) = (out.gradBuffer(), source.gradBuffer())
            for (r, i) in indices.enumerated() {
                let dst = gs + i * C, src = g + r * C
                for j in 0..<C { dst[j] += src[j] }
            }
        }
    }
    return out
}

/// Embedding lookup: rows `ids` of `weight` (`[vocabulary, C]`), shaped `shape + [C]`
/// (`shape` defaults to `[ids.count]`, e.g. pass `[B, T]` for a batch of sequences).
public func embedding(_ weight: Tensor, ids: [Int], shape: [Int]? = nil) -> Tensor {
    let profiled = Profiler.open(.copy)
    defer { Profiler.close(profiled) }
    precondition(weight.rank == 2, "embedding: weight must be [vocabulary, dim], got \(weight.shape)")
    let s = shape ?? [ids.count]
    precondition(s.reduce(1, *) == ids.count, "embedding: shape \(s) for \(ids.count) ids")
    return reshape(gatherRows(weight, indices: ids), s + [weight.shape[1]])
}

/// One entry per row: `x` is `[..., V]` flattened to N rows, `indices` has N entries;
/// the result `[N]` holds `x[row, indices[row]]`. Used to read log-probabilities of chosen
/// tokens. Backward adds into the picked entries.
public func pick(_ x: Tensor, indices: [Int]) -> Tensor {
    let profiled = Profiler.open(.copy)
    defer { Profiler.close(profiled) }
    let V = x.dim(-1)
    let N = x.count / max(V, 1)
    precondition(indices.count == N, "pick: \(indices.count) indices for \(N) rows of \(x.shape)")
    for i in indices { precondition(i >= 0 && i < V, "pick: index \(i) outside 0..<\(V)") }
    let out = Tensor(uninitialized: [N])
    for r in 0..<N { out.data[r] = x.data[r * V + indices[r]] }
    if Autograd.needsGrad(x) {
        out.recordOp(inputs: [x]) { out in
            let (g, gx) = (out.gradBuffer(), x.gradBuffer())
            for r in 0..<N { gx[r * V + indices[r]] += g[r] }
        }
    }
    return out
}

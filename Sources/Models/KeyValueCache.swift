// KeyValueCache: the keys and values of the positions a batch has already been through, so
// that the next call only computes the new positions.

import TensorCore

/// Per-layer keys and values (after rotary) of the positions seen so far, for a batch whose
/// rows start at `starts` (left padding).
///
/// Two kinds:
/// - **preallocated** (`capacity` given): keys and values are written into fixed buffers of
///   `capacity` positions. Fast, for generation and evaluation; only usable with autograd off.
/// - **differentiable** (no `capacity`): each call concatenates its keys and values to the
///   cached ones with recorded ops, so gradients flow through the cache — for training runs
///   that feed one position at a time (latent reasoning).
public final class KeyValueCache {
    /// Number of rows.
    public let batchSize: Int
    /// First real position of each row.
    public let starts: [Int]
    /// Positions already in the cache.
    public private(set) var length: Int = 0
    /// Fixed number of positions, or nil for a differentiable cache.
    public let capacity: Int?
    let dimension: Int
    var keys: [Tensor?]
    var values: [Tensor?]

    /// An empty cache for `model`. `starts` defaults to zeros (no left padding).
    public init(for model: LlamaModel, batchSize: Int, starts: [Int]? = nil, capacity: Int? = nil) {
        let c = model.configuration
        precondition(batchSize > 0, "KeyValueCache needs at least one row")
        self.batchSize = batchSize
        self.starts = starts ?? [Int](repeating: 0, count: batchSize)
        precondition(self.starts.count == batchSize, "KeyValueCache: \(self.starts.count) starts for \(batchSize) rows")
        self.capacity = capacity
        dimension = c.dimension
        if let capacity {
            keys = (0..<c.layers).map { _ in Tensor(zeros: [batchSize, capacity, c.dimension]) }
            values = (0..<c.layers).map { _ in Tensor(zeros: [batchSize, capacity, c.dimension]) }
        } else {
            keys = Array(repeating: nil, count: c.layers)
            values = Array(repeating: nil, count: c.layers)
        }
    }

    /// Attention of `q` (`[B, T, D]`) for layer `layer` over the cached positions plus the new
    /// `k`, `v`, which are stored. The cache length advances only through ``advance(by:)``.
    func attend(layer: Int, query q: Tensor, key k: Tensor, value v: Tensor, heads: Int) -> Tensor {
        let (b, t, d) = (q.dim(0), q.dim(1), q.dim(2))
        guard let capacity else {
            let allKeys = keys[layer].map { concat([$0, k], axis: 1) } ?? k
            let allValues = values[layer].map { concat([$0, v], axis: 1) } ?? v
            keys[layer] = allKeys
            values[layer] = allValues
            return ModelOps.causalAttention(query: q, key: allKeys, value: allValues, heads: heads, starts: starts)
        }
        precondition(length + t <= capacity, "KeyValueCache: \(length + t) positions exceed capacity \(capacity)")
        let (kc, vc) = (keys[layer]!, values[layer]!)
        for row in 0..<b {
            let dst = (row * capacity + length) * d
            (kc.data + dst).update(from: k.data + row * t * d, count: t * d)
            (vc.data + dst).update(from: v.data + row * t * d, count: t * d)
        }
        let geometry = AttentionGeometry(batch: b, queries: t, keys: length + t, dim: d,
                                         heads: heads, keyBatchStride: capacity * d)
        let out = Tensor.uninitialized([b, t, d])
        geometry.forward(q: q.data, k: kc.data, v: vc.data, out: out.data, starts: starts, saved: nil)
        return out
    }

    /// Records that `count` more positions are in the cache (called once per forward).
    func advance(by count: Int) { length += count }

    /// A cache whose row i holds this cache's row `rows[i]`, so that one prompt computed once
    /// serves several completions. A differentiable cache gives a differentiable copy (gradients
    /// of repeated rows add up); a preallocated one gives a preallocated copy of `capacity`
    /// positions (at least the current length).
    public func repeating(rows: [Int], capacity newCapacity: Int? = nil) -> KeyValueCache {
        let n = rows.count
        let copy = KeyValueCache(batchSize: n, starts: rows.map { starts[$0] }, capacity: capacity.map { _ in max(newCapacity ?? length, length) },
                                 dimension: dimension, layers: keys.count)
        copy.length = length
        for l in keys.indices {
            guard let k = keys[l], let v = values[l] else { continue }
            if let capacity, let target = copy.capacity {
                for (to, from) in rows.enumerated() {
                    (copy.keys[l]!.data + to * target * dimension).update(from: k.data + from * capacity * dimension, count: length * dimension)
                    (copy.values[l]!.data + to * target * dimension).update(from: v.data + from * capacity * dimension, count: length * dimension)
                }
            } else {
                let width = length * dimension
                copy.keys[l] = ModelOps.gatherRows(k.reshaped([batchSize, width]), rows: rows).reshaped([n, length, dimension])
                copy.values[l] = ModelOps.gatherRows(v.reshaped([batchSize, width]), rows: rows).reshaped([n, length, dimension])
            }
        }
        return copy
    }

    private init(batchSize: Int, starts: [Int], capacity: Int?, dimension: Int, layers: Int) {
        self.batchSize = batchSize
        self.starts = starts
        self.capacity = capacity
        self.dimension = dimension
        if let capacity {
            keys = (0..<layers).map { _ in Tensor(zeros: [batchSize, capacity, dimension]) }
            values = (0..<layers).map { _ in Tensor(zeros: [batchSize, capacity, dimension]) }
        } else {
            keys = Array(repeating: nil, count: layers)
            values = Array(repeating: nil, count: layers)
        }
    }
}

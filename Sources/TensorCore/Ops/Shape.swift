// Shape ops: reshape, permute/transpose, concat, slice, detach. Data is always contiguous
// row-major; reshape shares storage, the others copy.

/// The same values with a new shape (no copy; the storage is shared). One dimension may be
/// -1 and is then inferred.
public func reshape(_ x: Tensor, _ shape: [Int]) -> Tensor {
    let profiled = Profiler.open(.copy)
    defer { Profiler.close(profiled) }
    var s = shape
    if let k = s.firstIndex(of: -1) {
        let known = s.enumerated().filter { $0.offset != k }.map(\.element).reduce(1, *)
        precondition(known > 0 && x.count % known == 0, "reshape: cannot infer -1 in \(shape) for \(x.shape)")
        s[k] = x.count / known
    }
    precondition(Tensor.elementCount(s) == x.count, "reshape: \(x.shape) has \(x.count) values, \(shape) needs \(Tensor.elementCount(s))")
    let out = Tensor(storage: x.storage, shape: s)
    if Autograd.needsGrad(x) {
        let n = x.count
        out.recordOp(inputs: [x]) { out in
            // A reshape's gradient is the output's gradient: share the buffer when x has none.
            if x.gradStorage == nil, let g = out.gradStorage {
                x.gradStorage = g
                return
            }
            let (g, gx) = (out.gradBuffer(), x.gradBuffer())
            for i in 0..<n { gx[i] += g[i] }
        }
    }
    return out
}

extension Tensor {
    /// `reshape(self, shape)`.
    public func reshaped(_ shape: [Int]) -> Tensor { reshape(self, shape) }
}

/// Copies `src` (shape `shape`) into `dst` with its axes reordered by `order`
/// (`dst` axis i = `src` axis order[i]); with `accumulate` it adds instead, and the roles are
/// reversed (`src` laid out permuted, `dst` original) — used by the backward pass.
func permuteCopy(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, shape: [Int],
                 order: [Int], inverse: Bool) {
    let profiled = Profiler.open(.copy)
    defer { Profiler.close(profiled) }
    let rank = shape.count
    var inStrides = [Int](repeating: 1, count: rank)
    for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
    let outShape = order.map { shape[$0] }
    let strides = order.map { inStrides[$0] }  // input stride of each output axis
    let total = shape.reduce(1, *)
    if total == 0 { return }
    let last = outShape[rank - 1], lastStride = strides[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var outPos = 0
    while outPos < total {
        var base = 0
        for a in 0..<(rank - 1) { base += index[a] * strides[a] }
        if inverse {
            for j in 0..<last { dst[base + j * lastStride] += src[outPos + j] }
        } else {
            for j in 0..<last { dst[outPos + j] = src[base + j * lastStride] }
        }
        outPos += last
        var a = rank - 2
        while a >= 0 {
            index[a] += 1
            if index[a] < outShape[a] { break }
            index[a] = 0
            a -= 1
        }
    }
}

/// Reorders axes: result axis i is input axis `order[i]` (a copy).
public func permute(_ x: Tensor, _ order: [Int]) -> Tensor {
    precondition(order.sorted() == Array(0..<x.rank), "permute: \(order) is not a permutation of \(x.rank) axes")
    let shape = x.shape
    let out = Tensor(uninitialized: order.map { shape[$0] })
    if x.rank == 0 { out.data[0] = x.data[0] } else { permuteCopy(x.data, out.data, shape: shape, order: order, inverse: false) }
    if Autograd.needsGrad(x) {
        out.recordOp(inputs: [x]) { out in
            if shape.isEmpty { x.gradBuffer()[0] += out.gradBuffer()[0]; return }
            permuteCopy(out.gradBuffer(), x.gradBuffer(), shape: shape, order: order, inverse: true)
        }
    }
    return out
}

/// Swaps two axes (a copy), e.g. `[B, T, H, D]` → `[B, H, T, D]` with `transpose(x, 1, 2)`.
public func transpose(_ x: Tensor, _ axis0: Int, _ axis1: Int) -> Tensor {
    var order = Array(0..<x.rank)
    let a = axis0 < 0 ? x.rank + axis0 : axis0, b = axis1 < 0 ? x.rank + axis1 : axis1
    order.swapAt(a, b)
    return permute(x, order)
}

/// Joins tensors along `axis`; all other dimensions must agree.
public func concat(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
    let profiled = Profiler.open(.copy)
    defer { Profiler.close(profiled) }
    precondition(!tensors.isEmpty, "concat: no tensors")
    let first = tensors[0]
    let ax = axis < 0 ? first.rank + axis : axis
    precondition(ax >= 0 && ax < first.rank, "concat: axis \(axis) for rank \(first.rank)")
    for t in tensors {
        precondition(t.rank == first.rank && (0..<t.rank).allSatisfy { $0 == ax || t.shape[$0] == first.shape[$0] },
                     "concat: shape \(t.shape) does not fit \(first.shape) along axis \(ax)")
    }
    let outer = first.shape[..<ax].reduce(1, *)
    let after = first.shape[(ax + 1)...].reduce(1, *)
    let widths = tensors.map { $0.shape[ax] * after }
    let rowWidth = widths.reduce(0, +)
    var shape = first.shape
    shape[ax] = tensors.map { $0.shape[ax] }.reduce(0, +)
    let out = Tensor(uninitialized: shape)
    var offset = 0
    for (t, w) in zip(tensors, widths) {
        for o in 0..<outer { (out.data + o * rowWidth + offset).update(from: t.data + o * w, count: w) }
        offset += w
    }
    if Autograd.needsGrad(tensors) {
        out.recordOp(inputs: tensors) { out in
            let g = out.gradBuffer()
            var offset = 0
            for (t, w) in zip(tensors, widths) {
                if t.requiresGrad {
                    let gt = t.gradBuffer()
                    for o in 0..<outer {
                        let src = g + o * rowWidth + offset, dst = gt + o * w
                        for j in 0..<w { dst[j] += src[j] }
                    }
                }
                offset += w
            }
        }
    }
    return out
}

/// The part of `x` with indices `range` along `axis` (a copy).
public func slice(_ x: Tensor, axis: Int, _ range: Range<Int>) -> Tensor {
    let profiled = Profiler.open(.copy)
    defer { Profiler.close(profiled) }
    let ax = axis < 0 ? x.rank + axis : axis
    precondition(ax >= 0 && ax < x.rank && range.lowerBound >= 0 && range.upperBound <= x.shape[ax],
                 "slice: \(range) along axis \(axis) of \(x.shape)")
    let outer = x.shape[..<ax].reduce(1, *)
    let after = x.shape[(ax + 1)...].reduce(1, *)
    let rowIn = x.shape[ax] * after, w = range.count * after, start = range.lowerBound * after
    var shape = x.shape
    shape[ax] = range.count
    let out = Tensor(uninitialized: shape)
    for o in 0..<outer { (out.data + o * w).update(from: x.data + o * rowIn + start, count: w) }
    if Autograd.needsGrad(x) {
        out.recordOp(inputs: [x]) { out in
            let (g, gx) = (out.gradBuffer(), x.gradBuffer())
            for o in 0..<outer {
                let src = g + o * w, dst = gx + o * rowIn + start
                for j in 0..<w { dst[j] += src[j] }
            }
        }
    }
    return out
}

/// The same values cut off from the graph (stop-gradient): shares storage, never requires grad.
public func detach(_ x: Tensor) -> Tensor { Tensor(storage: x.storage, shape: x.shape) }

extension Tensor {
    /// `detach(self)`.
    public func detached() -> Tensor { detach(self) }
}

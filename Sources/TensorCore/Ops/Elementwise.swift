// Binary elementwise ops with suffix broadcasting: add, sub, mul, and scaling by a constant.
//
// Broadcasting rule: the right operand's shape (leading 1s ignored) must equal a suffix of the
// left operand's shape; it is then repeated over the leading dimensions. That covers the equal-
// shape case, a row vector [C] over [..., C] (biases, norm weights) and a scalar over anything.
// For add and mul the operands may come in either order. Backward of a broadcast operand sums
// the output gradient over the repeated dimensions.

/// How a right operand of `inner` elements repeats `outer` times over the left operand.
@usableFromInline func broadcastInner(_ a: Tensor, _ b: Tensor, _ op: String) -> Int {
    if b.count == a.count && b.count == 1 { return 1 }
    var bs = b.shape[...]
    while bs.first == 1 && bs.count > 0 { bs = bs.dropFirst() }
    precondition(bs.count <= a.rank && Array(a.shape.suffix(bs.count)) == Array(bs) || b.count == 1,
                 "\(op): shape \(b.shape) cannot broadcast over \(a.shape)")
    return b.count
}

/// Element `i` of `a` meets element `i % inner` of `b`.
@usableFromInline enum BinaryKind { case add, sub, mul }

@usableFromInline func binaryOp(_ a: Tensor, _ b: Tensor, _ kind: BinaryKind) -> Tensor {
    let profiled = Profiler.open(.elementwise)
    defer { Profiler.close(profiled) }
    let inner = broadcastInner(a, b, "\(kind)")
    let n = a.count
    let out = Tensor(uninitialized: a.shape)
    let (pa, pb, po) = (a.data, b.data, out.data)
    if inner == n || inner == 1 {
        Parallel.forRanges(n) { r in
            if inner == n {
                switch kind {
                case .add: for i in r { po[i] = pa[i] + pb[i] }
                case .sub: for i in r { po[i] = pa[i] - pb[i] }
                case .mul: for i in r { po[i] = pa[i] * pb[i] }
                }
            } else {
                let s = pb[0]
                switch kind {
                case .add: for i in r { po[i] = pa[i] + s }
                case .sub: for i in r { po[i] = pa[i] - s }
                case .mul: for i in r { po[i] = pa[i] * s }
                }
            }
        }
    } else {
        // Row by row: b is one row of `inner` values.
        Parallel.forEach(n / inner, workPerItem: inner) { o in
            let (x, y) = (pa + o * inner, po + o * inner)
            switch kind {
            case .add: for j in 0..<inner { y[j] = x[j] + pb[j] }
            case .sub: for j in 0..<inner { y[j] = x[j] - pb[j] }
            case .mul: for j in 0..<inner { y[j] = x[j] * pb[j] }
            }
        }
    }
    if Autograd.needsGrad(a, b) {
        out.recordOp(inputs: [a, b]) { out in
            let g = out.gradBuffer()
            if a.requiresGrad {
                let (ga, overwrite) = a.gradTarget()
                Parallel.forRanges(n) { r in
                    if overwrite { for i in r { ga[i] = 0 } }
                    switch kind {
                    case .add, .sub: for i in r { ga[i] += g[i] }
                    case .mul:
                        if inner == n { for i in r { ga[i] += g[i] * pb[i] } }
                        else if inner == 1 { let s = pb[0]; for i in r { ga[i] += g[i] * s } }
                        else { for i in r { ga[i] += g[i] * pb[i % inner] } }
                    }
                }
            }
            if b.requiresGrad {
                let gb = b.gradBuffer()
                let sign: Float = kind == .sub ? -1 : 1
                if inner == n {
                    switch kind {
                    case .add: for i in 0..<n { gb[i] += g[i] }
                    case .sub: for i in 0..<n { gb[i] -= g[i] }
                    case .mul: for i in 0..<n { gb[i] += g[i] * pa[i] }
                    }
                } else {
                    // Sum over the repeated leading dimensions, row by row.
                    for o in 0..<(n / inner) {
                        let go = g + o * inner, ao = pa + o * inner
                        if kind == .mul { for j in 0..<inner { gb[j] += go[j] * ao[j] } }
                        else { for j in 0..<inner { gb[j] += sign * go[j] } }
                    }
                }
            }
        }
    }
    return out
}

/// Elementwise sum with broadcasting (see the file header); either operand may be the smaller.
public func add(_ a: Tensor, _ b: Tensor) -> Tensor {
    a.count >= b.count ? binaryOp(a, b, .add) : binaryOp(b, a, .add)
}

/// Elementwise difference `a - b`; `b` may broadcast over `a`.
public func sub(_ a: Tensor, _ b: Tensor) -> Tensor { binaryOp(a, b, .sub) }

/// Elementwise product with broadcasting; either operand may be the smaller.
public func mul(_ a: Tensor, _ b: Tensor) -> Tensor {
    a.count >= b.count ? binaryOp(a, b, .mul) : binaryOp(b, a, .mul)
}

/// `a · factor + offset` for constants (no gradient to the constants).
public func scale(_ a: Tensor, by factor: Float, offset: Float = 0) -> Tensor {
    let profiled = Profiler.open(.elementwise)
    defer { Profiler.close(profiled) }
    let n = a.count
    let out = Tensor(uninitialized: a.shape)
    let (pa, po) = (a.data, out.data)
    Parallel.forRanges(n) { r in for i in r { po[i] = pa[i] * factor + offset } }
    if Autograd.needsGrad(a) {
        out.recordOp(inputs: [a]) { out in
            let (g, ga) = (out.gradBuffer(), a.gradBuffer())
            Parallel.forRanges(n) { r in for i in r { ga[i] += factor * g[i] } }
        }
    }
    return out
}

/// `a + b` (see ``add(_:_:)``).
public func + (a: Tensor, b: Tensor) -> Tensor { add(a, b) }
/// `a - b` (see ``sub(_:_:)``).
public func - (a: Tensor, b: Tensor) -> Tensor { sub(a, b) }
/// `a * b` elementwise (see ``mul(_:_:)``).
public func * (a: Tensor, b: Tensor) -> Tensor { mul(a, b) }
/// `a * s` for a constant `s`.
public func * (a: Tensor, s: Float) -> Tensor { scale(a, by: s) }
/// `s * a` for a constant `s`.
public func * (s: Float, a: Tensor) -> Tensor { scale(a, by: s) }
/// `a + s` for a constant `s`.
public func + (a: Tensor, s: Float) -> Tensor { scale(a, by: 1, offset: s) }
/// `a - s` for a constant `s`.
public func - (a: Tensor, s: Float) -> Tensor { scale(a, by: 1, offset: -s) }
/// `-a`.
public prefix func - (a: Tensor) -> Tensor { scale(a, by: -1) }

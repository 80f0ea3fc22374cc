// Reductions: sum and mean over everything (a scalar) or over one axis (axis removed).
// Totals are accumulated in Double so long sums stay accurate.

/// Sum of all elements, a scalar tensor.
public func sum(_ x: Tensor) -> Tensor { reduceAll(x, mean: false) }

/// Mean of all elements, a scalar tensor.
public func mean(_ x: Tensor) -> Tensor { reduceAll(x, mean: true) }

func reduceAll(_ x: Tensor, mean: Bool) -> Tensor {
    let profiled = Profiler.open(.elementwise)
    defer { Profiler.close(profiled) }
    let n = x.count
    var s: Double = 0
    for i in 0..<n { s += Double(x.data[i]) }
    let k: Float = mean ? 1 / Float(max(n, 1)) : 1
    let out = Tensor(scalar: Float(s) * k)
    if Autograd.needsGrad(x) {
        out.recordOp(inputs: [x]) { out in
            let g = out.gradBuffer()[0] * k
            let gx = x.gradBuffer()
            for i in 0..<n { gx[i] += g }
        }
    }
    return out
}

/// Sum over `axis` (removed from the shape).
public func sum(_ x: Tensor, axis: Int) -> Tensor { reduceAxis(x, axis: axis, mean: false) }

/// Mean over `axis` (removed from the shape).
public func mean(_ x: Tensor, axis: Int) -> Tensor { reduceAxis(x, axis: axis, mean: true) }

func reduceAxis(_ x: Tensor, axis: Int, mean: Bool) -> Tensor {
    let profiled = Profiler.open(.elementwise)
    defer { Profiler.close(profiled) }
    let ax = axis < 0 ? x.rank + axis : axis
    precondition(ax >= 0 && ax < x.rank, "sum/mean: axis \(axis) for shape \(x.shape)")
    let outer = x.shape[..<ax].reduce(1, *)
    let n = x.shape[ax]
    let inner = x.shape[(ax + 1)...].reduce(1, *)
    var shape = x.shape
    shape.remove(at: ax)
    let out = Tensor(zeros: shape)
    let k: Float = mean ? 1 / Float(max(n, 1)) : 1
    let (px, po) = (x.data, out.data)
    for o in 0..<outer {
        let dst = po + o * inner
        for i in 0..<n {
            let src = px + (o * n + i) * inner
            for j in 0..<inner { dst[j] += src[j] }
        }
        if mean { for j in 0..<inner { dst[j] *= k } }
    }
    if Autograd.needsGrad(x) {
        out.recordOp(inputs: [x]) { out in
            let (g, gx) = (out.gradBuffer(), x.gradBuffer())
            for o in 0..<outer {
                let src = g + o * inner
                for i in 0..<n {
                    let dst = gx + (o * n + i) * inner
                    for j in 0..<inner { dst[j] += k * src[j] }
                }
            }
        }
    }
    return out
}

extension Tensor {
    /// `sum(self)`.
    public func sum() -> Tensor { TensorCore.sum(self) }
    /// `mean(self)`.
    public func mean() -> Tensor { TensorCore.mean(self) }
    /// `square(self)`.
    public func square() -> Tensor { TensorCore.square(self) }
}

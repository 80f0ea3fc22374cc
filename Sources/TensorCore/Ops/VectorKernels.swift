// Row kernels shared by the ops: sum, dot, max and in-place softmax of a contiguous row.
// Float reductions written as `s += x[i]` stay scalar (the compiler may not reassociate), so
// these accumulate in 8-lane SIMD registers and reduce the lanes at the end.

import Foundation

@usableFromInline typealias Lanes = SIMD8<Float>

@inline(__always) func loadLanes(_ p: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

/// Σ x[0..<n].
@inline(__always) func rowSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = Lanes(repeating: 0)
    var j = 0
    while j + 8 <= n { acc += loadLanes(x + j); j += 8 }
    var s = acc.sum()
    while j < n { s += x[j]; j += 1 }
    return s
}

/// Σ a[j]·b[j] for j < n.
@inline(__always) func rowDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = Lanes(repeating: 0)
    var j = 0
    while j + 8 <= n { acc += loadLanes(a + j) * loadLanes(b + j); j += 8 }
    var s = acc.sum()
    while j < n { s += a[j] * b[j]; j += 1 }
    return s
}

/// max x[0..<n] (−∞ for n = 0; NaNs are not propagated).
@inline(__always) func rowMax(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = Lanes(repeating: -.infinity)
    var j = 0
    while j + 8 <= n { acc = pointwiseMax(acc, loadLanes(x + j)); j += 8 }
    var m = acc.max()
    while j < n { m = max(m, x[j]); j += 1 }
    return m
}

/// Writes softmax of `x[0..<n]` into `y` (they may alias). A row that is entirely −∞ gives
/// zeros.
@inline(__always) func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    let m = rowMax(x, n)
    if m == -.infinity {
        for j in 0..<n { y[j] = 0 }
        return
    }
    for j in 0..<n { y[j] = fastExp(x[j] - m) }
    let inv = 1 / rowSum(y, n)
    for j in 0..<n { y[j] *= inv }
}

/// log Σ exp(x[0..<n]), max-shifted (−∞ for an all −∞ row).
@inline(__always) func logSumExp(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    let m = rowMax(x, n)
    if m == -.infinity { return m }
    var acc = Lanes(repeating: 0)
    var j = 0
    while j + 8 <= n {
        let v = loadLanes(x + j) - m
        var e = Lanes()
        for l in 0..<8 { e[l] = fastExp(v[l]) }
        acc += e
        j += 8
    }
    var s = acc.sum()
    while j < n { s += fastExp(x[j] - m); j += 1 }
    return m + logf(s)
}

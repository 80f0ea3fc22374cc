// Branch-free exp and sigmoid that the compiler can vectorise (libm's expf is a call per
// element). exp(x) = 2ⁿ · e^r with n = round(x·log2 e), r = x − n·ln 2 split in two parts
// (|r| ≤ ln2/2), e^r by its degree-7 Taylor polynomial: relative error below 2e-7 (about
// 1–2 ulp) over the whole Float range. Inputs below −87.33 give 0 (so exp(−∞) = 0 for masked
// attention scores), inputs above 88.72 give +∞.

/// Vectorisable `eˣ` for Float, accurate to about 2e-7 relative.
@inlinable @inline(__always)
public func fastExp(_ x: Float) -> Float {
    let clamped = min(max(x, -87.33), 88.72)
    // Round to nearest by adding 1.5·2²³: the sum's low mantissa bits then hold n as an
    // integer, so 2ⁿ is built with integer adds and a shift (no libm call, no checked
    // Float→Int conversion; all of it vectorises).
    let shifted = clamped * 1.442695041 + 12_582_912
    let n = shifted - 12_582_912
    let r = (clamped - n * 0.693359375) + n * 2.12194440e-4   // ln2 = 0.693359375 − 2.12194440e-4
    var p: Float = 1.0 / 5040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let scale = Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) << 23)
    let y = p * scale
    return x < -87.33 ? 0 : (x > 88.72 ? .infinity : y)
}

/// Vectorisable logistic sigmoid `1 / (1 + e^(−x))`.
@inlinable @inline(__always)
public func fastSigmoid(_ x: Float) -> Float { 1 / (1 + fastExp(-x)) }

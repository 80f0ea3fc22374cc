// The project's one seeded random generator: SplitMix64 (Steele, Lea & Flood, "Fast splittable
// pseudorandom number generators", 2014; reference: the public-domain splitmix64.c by Sebastiano
// Vigna). The data generator, the tensor initialisers, sampling and the language's `random` all
// draw from it, so the same seed gives the same numbers on every run and platform (Swift's own
// `SystemRandomNumberGenerator` is neither seedable nor stable).

/// A small, fast, seedable generator. Value type: copy it to fork a stream, pass it `inout` to
/// advance it.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The internal state; equal states produce equal sequences.
    public var state: UInt64

    /// Creates a generator; any seed is fine, including 0.
    public init(seed: UInt64) { state = seed }

    /// Creates a generator from a signed seed (its bit pattern).
    public init(seed: Int) { state = UInt64(bitPattern: Int64(seed)) }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range` (multiply-high mapping; the bias is below 2⁻⁵⁰ for the
    /// small ranges used here, and the result depends only on the seed).
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
        if width == 0 { return Int(bitPattern: UInt(next())) }  // the full 64-bit range
        let high = next().multipliedFullWidth(by: width).high
        return range.lowerBound &+ Int(bitPattern: UInt(high))
    }

    /// A uniformly chosen element of a non-empty array.
    public mutating func element<T>(of items: [T]) -> T {
        precondition(!items.isEmpty, "SplitMix64.element(of:) needs a non-empty array")
        return items[int(in: 0...(items.count - 1))]
    }

    /// Shuffles `items` in place (Fisher–Yates, drawing from this generator).
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let j = int(in: 0...i)
            if i != j { items.swapAt(i, j) }
        }
    }
}

extension RandomNumberGenerator {
    /// Uniform in [0, 1) with 24 bits of precision.
    @inlinable public mutating func nextUniformFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    @inlinable public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }
}

/// A small, fast, seedable pseudo-random generator (Steele, Lea and Flood's SplitMix64).
///
/// Everything random in this module draws from it, so the same seed gives the same data on every
/// run and platform (Swift's own `SystemRandomNumberGenerator` is neither seedable nor stable).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator; any seed is fine, including 0.
    public init(seed: UInt64) { state = seed }

    /// Creates a generator from a signed seed (its bit pattern).
    public init(seed: Int) { state = UInt64(bitPattern: Int64(seed)) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
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

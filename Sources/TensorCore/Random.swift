// Seeded randomness: SplitMix64 (Steele, Lea & Flood 2014; reference: the public-domain
// splitmix64.c by Sebastiano Vigna). Same seed → same numbers on every run and machine.
// The engine's generator is called `SeededRandom` so that it does not clash with
// `Datasets.SplitMix64` in modules that import both; the tensor initialisers accept any
// RandomNumberGenerator, so either can be passed.

import Foundation

/// A small, fast, seedable generator (the SplitMix64 algorithm). Value type: copy it to fork
/// a stream, pass it `inout` to advance it.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    /// The internal state; equal states produce equal sequences.
    public var state: UInt64

    /// Starts the sequence for `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
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

    /// A standard normal sample (Box–Muller; one of the pair is used, so the stream position
    /// depends only on how many samples were drawn).
    @inlinable public mutating func nextStandardNormal() -> Float {
        let u1 = max(nextUnitDouble(), 1e-300)
        let u2 = nextUnitDouble()
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }
}

extension Tensor {
    /// Values drawn from N(mean, standardDeviation²).
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    rng: inout some RandomNumberGenerator) -> Tensor {
        let t = Tensor(uninitialized: shape)
        for i in 0..<t.count { t.data[i] = mean + standardDeviation * rng.nextStandardNormal() }
        return t
    }

    /// Values drawn uniformly from [low, high).
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                                     rng: inout some RandomNumberGenerator) -> Tensor {
        let t = Tensor(uninitialized: shape)
        let width = high - low
        for i in 0..<t.count { t.data[i] = low + width * rng.nextUniformFloat() }
        return t
    }

    /// Xavier/Glorot uniform for a weight of shape `[out, in]` (HF layout), matching
    /// `torch.nn.init.xavier_uniform_`: U(-a, a) with a = gain · √(6 / (in + out)).
    public static func xavierUniform(_ shape: [Int], gain: Float = 1, rng: inout some RandomNumberGenerator) -> Tensor {
        precondition(shape.count >= 2, "xavierUniform needs a rank ≥ 2 shape, got \(shape)")
        let receptive = shape.dropFirst(2).reduce(1, *)
        let fanOut = shape[0] * receptive
        let fanIn = shape[1] * receptive
        let a = gain * (6 / Float(fanIn + fanOut)).squareRoot()
        return randomUniform(shape, low: -a, high: a, rng: &rng)
    }
}

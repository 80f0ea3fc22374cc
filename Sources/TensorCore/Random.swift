// Seeded random tensors. The generator is Support's SplitMix64; the initialisers accept any
// RandomNumberGenerator.

import Foundation
import Support

extension RandomNumberGenerator {
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

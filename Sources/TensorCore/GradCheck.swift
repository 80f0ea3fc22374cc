// Finite-difference gradient checking, public so that tests of other modules (layers, models,
// losses) can check their own composites.
//
// The function's output y is reduced to a scalar L = Σ yᵢ·rᵢ with a fixed random projection r
// (so every output element matters), accumulated in Double. The analytic gradient comes from
// one backward pass seeded with r; the numeric one from central differences
// (L(x+ε) − L(x−ε)) / 2ε per input element. Forward values are Float32, so with ε ≈ 1e-2 the
// expected agreement is about 1e-3 relative for smooth functions.

import Support

/// The outcome of ``GradCheck/check(_:epsilon:absoluteTolerance:relativeTolerance:seed:_:)``.
public struct GradCheckReport: CustomStringConvertible, Sendable {
    /// Largest |analytic − numeric| over all checked elements.
    public var maxAbsoluteDifference: Float
    /// Largest |analytic − numeric| / max(|analytic|, |numeric|) over elements where that
    /// denominator exceeds the absolute tolerance.
    public var maxRelativeDifference: Float
    /// Number of elements outside |a − n| ≤ atol + rtol · max(|a|, |n|).
    public var failures: Int
    /// Number of elements checked.
    public var checked: Int
    /// The worst element: input index, flat index, analytic and numeric values.
    public var worst: (input: Int, index: Int, analytic: Float, numeric: Float)

    /// True when every element was within tolerance.
    public var passed: Bool { failures == 0 }

    /// One line with the figures, llm.c style ("maxdiff").
    public var description: String {
        "\(passed ? "OK" : "NOT OK") checked \(checked), failures \(failures), max abs diff \(maxAbsoluteDifference), "
            + "max rel diff \(maxRelativeDifference), worst input \(worst.input)[\(worst.index)]: analytic \(worst.analytic) numeric \(worst.numeric)"
    }
}

/// Finite-difference gradient checks.
public enum GradCheck {
    /// Compares the autograd gradient of `function` with respect to each of `inputs` against
    /// central differences.
    ///
    /// - Parameters:
    ///   - inputs: leaf tensors the function reads; they are marked `requiresGrad`, perturbed
    ///     in place during the check and restored afterwards. Their gradients are overwritten.
    ///   - epsilon: the finite-difference step.
    ///   - absoluteTolerance, relativeTolerance: element passes if
    ///     |a − n| ≤ atol + rtol · max(|a|, |n|).
    ///   - seed: seed of the random output projection.
    ///   - function: builds the output from the inputs (called 1 + 2·(elements) times).
    public static func check(_ inputs: [Tensor], epsilon: Float = 1e-2, absoluteTolerance: Float = 1e-3,
                             relativeTolerance: Float = 1e-2, seed: UInt64 = 0x5EED,
                             _ function: () -> Tensor) -> GradCheckReport {
        for x in inputs {
            x.requiresGrad = true
            x.zeroGrad(release: true)
        }
        let y = function()
        var rng = SplitMix64(seed: seed)
        let projection = Tensor.randomNormal(y.shape, rng: &rng)
        precondition(y.requiresGrad, "GradCheck: the function output does not depend on the inputs")
        y.backward(gradient: projection)
        let analytic = inputs.map { $0.grad?.scalars ?? [Float](repeating: 0, count: $0.count) }

        func objective() -> Double {
            let out = Autograd.withoutGrad { function() }
            var s: Double = 0
            for i in 0..<out.count { s += Double(out.data[i]) * Double(projection.data[i]) }
            return s
        }

        var report = GradCheckReport(maxAbsoluteDifference: 0, maxRelativeDifference: 0, failures: 0,
                                     checked: 0, worst: (0, 0, 0, 0))
        var worstScore: Float = -1
        for (k, x) in inputs.enumerated() {
            for i in 0..<x.count {
                let saved = x.data[i]
                x.data[i] = saved + epsilon
                let plus = objective()
                x.data[i] = saved - epsilon
                let minus = objective()
                x.data[i] = saved
                let numeric = Float((plus - minus) / (2 * Double(epsilon)))
                let a = analytic[k][i]
                let diff = abs(a - numeric)
                let magnitude = max(abs(a), abs(numeric))
                report.checked += 1
                report.maxAbsoluteDifference = max(report.maxAbsoluteDifference, diff)
                if magnitude > absoluteTolerance {
                    report.maxRelativeDifference = max(report.maxRelativeDifference, diff / magnitude)
                }
                let allowed = absoluteTolerance + relativeTolerance * magnitude
                if diff > allowed { report.failures += 1 }
                let score = diff / allowed
                if score > worstScore {
                    worstScore = score
                    report.worst = (k, i, a, numeric)
                }
            }
        }
        return report
    }
}

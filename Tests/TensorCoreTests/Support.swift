// Shared helpers for the TensorCore tests: seeded tensors, closeness checks that keep the
// caller's source location, and a grad-check expectation.

import Foundation
import Support
import Testing
@testable import TensorCore

/// A seeded normal tensor (mean 0, std `std`).
func randn(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
    var rng = SplitMix64(seed: seed)
    return Tensor.randomNormal(shape, standardDeviation: std, rng: &rng)
}

/// A seeded uniform tensor in [low, high).
func randu(_ shape: [Int], seed: UInt64, low: Float, high: Float) -> Tensor {
    var rng = SplitMix64(seed: seed)
    return Tensor.randomUniform(shape, low: low, high: high, rng: &rng)
}

/// Expects every value of `actual` within `tolerance` of `expected`.
func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "count \(actual.count) vs \(expected.count)", sourceLocation: sourceLocation)
    var worst: Float = 0
    for (a, e) in zip(actual, expected) { worst = max(worst, abs(a - e)) }
    #expect(worst <= tolerance, "max diff \(worst) > \(tolerance): \(actual) vs \(expected)", sourceLocation: sourceLocation)
}

/// Runs a finite-difference check and expects it to pass.
///
/// Default tolerances: ε = 1e-2, pass if |a − n| ≤ 1e-3 + 1e-2·max(|a|, |n|) per element.
func expectGradients(_ inputs: [Tensor], epsilon: Float = 1e-2, atol: Float = 1e-3, rtol: Float = 1e-2,
                     sourceLocation: SourceLocation = #_sourceLocation, _ f: () -> Tensor) {
    let report = GradCheck.check(inputs, epsilon: epsilon, absoluteTolerance: atol, relativeTolerance: rtol, f)
    #expect(report.passed, "\(report)", sourceLocation: sourceLocation)
    #expect(report.checked == inputs.reduce(0) { $0 + $1.count }, sourceLocation: sourceLocation)
}

// Learning-rate schedule and gradient clipping.

import Foundation

/// Cosine decay with linear warm-up, as Hugging Face's `get_cosine_schedule_with_warmup`,
/// with an optional floor. A pure function of the step (0-based optimizer step):
///
///     step < warmup:  peak · step / warmup
///     otherwise:      floor + (peak − floor) · ½ · (1 + cos(π · progress)),
///                     progress = (step − warmup) / (total − warmup), clamped to [0, 1]
public struct CosineSchedule: Sendable, Equatable {
    /// The learning rate reached at the end of warm-up.
    public var peak: Float
    /// Number of linear warm-up steps.
    public var warmupSteps: Int
    /// Total number of optimizer steps (the end of the cosine).
    public var totalSteps: Int
    /// The learning rate at and after `totalSteps` (0 in HF).
    public var floor: Float

    /// A schedule rising to `peak` over `warmupSteps` and decaying to `floor` at `totalSteps`.
    public init(peak: Float, warmupSteps: Int, totalSteps: Int, floor: Float = 0) {
        self.peak = peak
        self.warmupSteps = max(0, warmupSteps)
        self.totalSteps = max(totalSteps, 1)
        self.floor = floor
    }

    /// The learning rate for 0-based `step`.
    public func callAsFunction(_ step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step) / Float(max(1, warmupSteps)) }
        let span = max(1, totalSteps - warmupSteps)
        let progress = min(1, max(0, Double(step - warmupSteps) / Double(span)))
        return floor + (peak - floor) * Float(0.5 * (1 + Foundation.cos(Double.pi * progress)))
    }
}

/// The global L2 norm of all gradients of `parameters` (those without a gradient count as 0).
public func gradientNorm(_ parameters: [Tensor]) -> Float {
    var total: Double = 0
    for p in parameters {
        guard let g = p.gradStorage else { continue }
        for i in 0..<g.count { total += Double(g.pointer[i]) * Double(g.pointer[i]) }
    }
    return Float(total.squareRoot())
}

/// Scales all gradients so that their global norm is at most `maxNorm` (as PyTorch's
/// `clip_grad_norm_`: factor maxNorm / (norm + 1e-6) when that is below 1).
/// Returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    let norm = gradientNorm(parameters)
    let factor = maxNorm / (norm + 1e-6)
    if factor < 1 {
        for p in parameters {
            guard let g = p.gradStorage else { continue }
            for i in 0..<g.count { g.pointer[i] *= factor }
        }
    }
    return norm
}

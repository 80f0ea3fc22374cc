// Learning-rate schedule and gradient clipping.

import Foundation

/// Linear warm-up, then cosine decay to a floor: the learning-rate schedule of every trainer.
/// A pure function of the 0-based optimizer step (and, under a time budget, of the share of the
/// budget spent):
///
///     step < warmup:  peak · (step + 1) / warmup       (the first update already moves)
///     otherwise:      floor + (peak − floor) · ½ · (1 + cos(π · progress)),
///                     progress = (step − warmup) / (total − warmup), clamped to [0, 1],
///                     or the `progress` the caller passes (elapsed / budget)
///
/// As Hugging Face's `get_cosine_schedule_with_warmup` but for the warm-up's first step (HF
/// starts at 0, a wasted update) and the floor (HF's is 0).
public struct CosineSchedule: Sendable, Equatable {
    /// The learning rate reached at the end of warm-up.
    public var peak: Double
    /// Number of linear warm-up steps.
    public var warmupSteps: Int
    /// Total number of optimizer steps (the end of the cosine).
    public var totalSteps: Int
    /// The learning rate at and after `totalSteps`.
    public var floor: Double

    /// A schedule rising to `peak` over `warmupSteps` and decaying to `floor` at `totalSteps`.
    public init(peak: Double, warmupSteps: Int, totalSteps: Int, floor: Double = 0) {
        self.peak = peak
        self.warmupSteps = max(0, warmupSteps)
        self.totalSteps = max(totalSteps, 1)
        self.floor = floor
    }

    /// The learning rate for 0-based `step`; `progress` (0…1), when given, is the position in
    /// the cosine instead of the step's (a run with a time budget passes elapsed / budget).
    public func callAsFunction(_ step: Int, progress: Double? = nil) -> Double {
        if step < warmupSteps { return peak * Double(step + 1) / Double(warmupSteps) }
        let position = progress.map { min(1, max(0, $0)) }
            ?? min(1, max(0, Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps))))
        return floor + (peak - floor) * 0.5 * (1 + Foundation.cos(Double.pi * position))
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
    let profiled = Profiler.open(.optimizer)
    defer { Profiler.close(profiled) }
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

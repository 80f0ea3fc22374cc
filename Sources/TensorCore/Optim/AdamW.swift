// AdamW with decoupled weight decay (Loshchilov & Hutter 2019, "Decoupled Weight Decay
// Regularization"; reference: the update in torch.optim.AdamW and llm.c's gpt2_update).
// Per parameter θ with gradient g at step t (1-based):
//   θ ← θ − lr·λ·θ                      (decoupled decay, only in groups that decay)
//   m ← β1·m + (1−β1)·g                 (first moment)
//   v ← β2·v + (1−β2)·g²                (second moment)
//   θ ← θ − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)

import Foundation

/// A set of parameters sharing a weight-decay setting.
public struct ParameterGroup {
    /// The trainable tensors (each `requiresGrad`).
    public var parameters: [Tensor]
    /// Decoupled weight decay λ for this group (0 for biases, norms, special vectors).
    public var weightDecay: Float

    /// Groups `parameters` with decay `weightDecay`.
    public init(parameters: [Tensor], weightDecay: Float) {
        self.parameters = parameters
        self.weightDecay = weightDecay
    }
}

/// The AdamW optimizer.
///
/// ```swift
/// let opt = AdamW(groups: [ParameterGroup(parameters: weights, weightDecay: 0.1),
///                          ParameterGroup(parameters: normsAndBiases, weightDecay: 0)])
/// loss.backward()
/// _ = clipGradientNorm(opt.allParameters, maxNorm: 2)
/// opt.step(learningRate: schedule(step))
/// opt.zeroGrad()
/// ```
/// Parameters whose `grad` is nil (not reached by backward) are skipped, moments and all.
public final class AdamW {
    /// The parameter groups, in the order given.
    public private(set) var groups: [ParameterGroup]
    /// Exponential decay of the first moment (β1).
    public var beta1: Float
    /// Exponential decay of the second moment (β2).
    public var beta2: Float
    /// Added to the denominator for stability (ε).
    public var epsilon: Float
    /// Number of `step` calls so far (t after the last step).
    public private(set) var stepCount: Int = 0
    /// First and second moments, parallel to `allParameters`.
    var moments: [(m: Storage, v: Storage)]

    /// An optimizer over `groups`; β and ε default to PyTorch's values.
    public init(groups: [ParameterGroup], beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.groups = groups
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        moments = groups.flatMap(\.parameters).map { (Storage(count: $0.count), Storage(count: $0.count)) }
    }

    /// One group with decay `weightDecay` for all `parameters`.
    public convenience init(parameters: [Tensor], weightDecay: Float = 0.01) {
        self.init(groups: [ParameterGroup(parameters: parameters, weightDecay: weightDecay)])
    }

    /// Every parameter of every group, in order.
    public var allParameters: [Tensor] { groups.flatMap(\.parameters) }

    /// Applies one update with learning rate `learningRate` to every parameter with a gradient.
    public func step(learningRate lr: Float) {
        let profiled = Profiler.open(.optimizer)
        defer { Profiler.close(profiled) }
        stepCount += 1
        let t = Float(stepCount)
        let c1 = 1 - Foundation.pow(beta1, t), c2 = 1 - Foundation.pow(beta2, t)
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        var index = 0
        for group in groups {
            let decay = 1 - lr * group.weightDecay
            for p in group.parameters {
                defer { index += 1 }
                guard let gs = p.gradStorage else { continue }
                let (m, v, g, w) = (moments[index].m.pointer, moments[index].v.pointer, gs.pointer, p.data)
                let stepSize = lr / c1
                let invC2 = 1 / c2
                Parallel.forRanges(p.count) { r in
                    for i in r {
                        let gi = g[i]
                        m[i] = b1 * m[i] + (1 - b1) * gi
                        v[i] = b2 * v[i] + (1 - b2) * gi * gi
                        w[i] = w[i] * decay - stepSize * m[i] / ((v[i] * invC2).squareRoot() + eps)
                    }
                }
            }
        }
    }

    /// Zeroes the gradients of all parameters (keeping their buffers).
    public func zeroGrad() {
        let profiled = Profiler.open(.optimizer)
        defer { Profiler.close(profiled) }
        for p in allParameters { p.zeroGrad() }
    }

    /// The moments as named tensors (`"m.<i>"`, `"v.<i>"` for parameter i of
    /// ``allParameters``) plus the step count, for checkpointing with ``SafeTensors``.
    public func stateTensors() -> (tensors: [String: Tensor], step: Int) {
        var out: [String: Tensor] = [:]
        for (i, (p, mv)) in zip(allParameters, moments).enumerated() {
            out["m.\(i)"] = Tensor(storage: mv.m, shape: p.shape)
            out["v.\(i)"] = Tensor(storage: mv.v, shape: p.shape)
        }
        return (out, stepCount)
    }

    /// Restores moments and step count saved by ``stateTensors()``.
    /// - Throws: ``SafeTensorsError/missingTensor(_:)`` or ``SafeTensorsError/shapeMismatch(name:expected:found:)``.
    public func loadState(_ tensors: [String: Tensor], step: Int) throws {
        for (i, (p, mv)) in zip(allParameters, moments).enumerated() {
            for (name, dst) in [("m.\(i)", mv.m), ("v.\(i)", mv.v)] {
                guard let t = tensors[name] else { throw SafeTensorsError.missingTensor(name) }
                guard t.count == p.count else { throw SafeTensorsError.shapeMismatch(name: name, expected: p.shape, found: t.shape) }
                dst.pointer.update(from: t.data, count: t.count)
            }
        }
        stepCount = step
    }
}

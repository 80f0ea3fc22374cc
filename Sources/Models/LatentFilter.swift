// LatentFilter: the recurrent filter F of latent reasoning (method.md §(a), "recurrent_filter_MLP"):
//   F(h) = LayerNorm(W2 · GELU(W1 · h + b1) + b2)
// h is the previous position's final hidden state (after the final RMSNorm); F(h) is the input
// vector of the next latent position. Names follow a PyTorch nn.Sequential(Linear, GELU, Linear,
// LayerNorm) under "latent.filter.", so index 1 (the GELU) has no tensors.

import Support
import TensorCore

/// The MLP that turns a hidden state into the next latent input: Linear → GELU (exact erf) →
/// Linear → LayerNorm (ε 1e-5), all `D → D`.
///
/// ```swift
/// let filter = LatentFilter(dimension: 128, seed: 0)
/// let next = filter(hidden)   // [..., 128] → [..., 128]
/// ```
public final class LatentFilter {
    /// Model dimension `D`.
    public let dimension: Int
    public let weight1: Tensor  // [D, D]
    public let bias1: Tensor    // [D]
    public let weight2: Tensor  // [D, D]
    public let bias2: Tensor    // [D]
    public let normWeight: Tensor  // [D]
    public let normBias: Tensor    // [D]

    /// Prefix of every filter tensor in a checkpoint.
    public static let prefix = "latent.filter."
    /// The tensor names in checkpoint order.
    public static let names = [
        "latent.filter.0.weight", "latent.filter.0.bias", "latent.filter.2.weight",
        "latent.filter.2.bias", "latent.filter.3.weight", "latent.filter.3.bias",
    ]

    /// A fresh filter: Xavier-uniform weights, zero biases, LayerNorm weight 1 and bias 0.
    /// Same seed → same weights.
    public init(dimension: Int, seed: UInt64 = 0) {
        precondition(dimension > 0, "LatentFilter needs a positive dimension")
        var rng = SplitMix64(seed: seed ^ 0x1A7E_27F1)
        self.dimension = dimension
        weight1 = Tensor.parameter(Tensor.xavierUniform([dimension, dimension], rng: &rng), name: Self.names[0])
        bias1 = Tensor.parameter(Tensor(zeros: [dimension]), name: Self.names[1])
        weight2 = Tensor.parameter(Tensor.xavierUniform([dimension, dimension], rng: &rng), name: Self.names[2])
        bias2 = Tensor.parameter(Tensor(zeros: [dimension]), name: Self.names[3])
        normWeight = Tensor.parameter(Tensor(repeating: 1, shape: [dimension]), name: Self.names[4])
        normBias = Tensor.parameter(Tensor(zeros: [dimension]), name: Self.names[5])
    }

    /// A filter made of checkpoint tensors (named as in ``names``), used as they are.
    /// - Throws: ``ModelError/invalidCheckpoint(_:)`` naming missing or mis-shaped tensors.
    public init(tensors: [String: Tensor], dimension: Int) throws {
        var problems: [String] = []
        for (i, name) in Self.names.enumerated() {
            let shape = i % 2 == 0 && i < 4 ? [dimension, dimension] : [dimension]
            guard let t = tensors[name] else { problems.append("missing \(name)"); continue }
            if t.shape != shape { problems.append("\(name) has shape \(t.shape), expected \(shape)") }
        }
        guard problems.isEmpty else { throw ModelError.invalidCheckpoint("latent filter: " + problems.joined(separator: "; ")) }
        func take(_ i: Int) -> Tensor { Tensor.parameter(tensors[Self.names[i]]!, name: Self.names[i]) }
        self.dimension = dimension
        (weight1, bias1, weight2, bias2, normWeight, normBias) = (take(0), take(1), take(2), take(3), take(4), take(5))
    }

    /// `F(x)` for `x` of shape `[..., D]`; differentiable in `x` and in the filter's weights.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let profiled = Profiler.open(.latentFilter)
        defer { Profiler.close(profiled) }
        let hidden = gelu(linear(x, weight: weight1, bias: bias1))
        return layerNorm(linear(hidden, weight: weight2, bias: bias2), weight: normWeight, bias: normBias, eps: 1e-5)
    }

    /// The filter's tensors with their checkpoint names, in ``names`` order.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        zip(Self.names, [weight1, bias1, weight2, bias2, normWeight, normBias]).map { ($0, $1) }
    }

    /// The filter's tensors, in ``names`` order.
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }
}

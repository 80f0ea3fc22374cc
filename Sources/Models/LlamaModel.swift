// LlamaModel: the decoder itself — parameters with Hugging Face names, the forward pass for
// training (padded batches, optional per-layer hidden states) and for cached decoding.
// Layout (Llama / HF LlamaForCausalLM, no biases, output head tied to the embedding):
//   h = embed(tokens)
//   for each block: h = h + o(attn(rope(q(n1(h))), rope(k(n1(h))), v(n1(h))))
//                   h = h + down(silu(gate(n2(h))) ⊙ up(n2(h)))
//   logits = norm(h) · embedᵀ

import HostMemory
import Support
import TensorCore

/// The weights of one transformer block (all `[out, in]`, Hugging Face layout).
public struct LlamaBlockWeights {
    public let inputNorm: Tensor      // [D]
    public let query: Tensor          // [D, D]
    public let key: Tensor            // [D, D]
    public let value: Tensor          // [D, D]
    public let output: Tensor         // [D, D]
    public let postAttentionNorm: Tensor  // [D]
    public let gate: Tensor           // [F, D]
    public let up: Tensor             // [F, D]
    public let down: Tensor           // [D, F]
}

/// What one forward call produces.
public struct ModelOutput {
    /// Next-token logits, `[B, T, V]` (or `[B, 1, V]` when only the last position was asked for).
    public let logits: Tensor
    /// The final hidden state after the last RMSNorm (what the head reads), `[B, T, D]`.
    public let hidden: Tensor
    /// When rows were requested: one `[rows.count, D]` tensor per block, in Hugging Face's
    /// `hidden_states[1...]` convention — the output of block `l` for `l < L − 1`, and for the
    /// last block the state after the final norm. Empty otherwise.
    public let layerStates: [Tensor]
}

/// A decoder-only transformer in the Llama layout, with explicit, named parameters.
///
/// ```swift
/// let model = try LlamaModel(configuration: LlamaConfiguration(vocabularySize: 387), seed: 0)
/// let out = try model.forward(TokenBatch(rows: [[1, 5, 9]], padID: 0))
/// ```
/// Not thread-safe: one model is trained or run by one task at a time.
public final class LlamaModel {
    /// The sizes this model was built with.
    public let configuration: LlamaConfiguration
    /// Token embedding `[V, D]`, also the output head.
    public let embedding: Tensor
    /// The transformer blocks.
    public let blocks: [LlamaBlockWeights]
    /// Final RMSNorm weight `[D]`.
    public let finalNorm: Tensor
    /// Rotary cos/sin for every position up to `maximumLength`.
    public let rotary: RotaryTable

    /// A freshly initialised model: weights N(0, 0.02), the residual output projections
    /// (`o_proj`, `down_proj`) scaled by `1/√(2L)`, norm weights 1. Same seed → same weights.
    /// - Parameter shouldStop: asked between layers; true ends the build with
    ///   ``ModelError/interrupted``.
    /// - Throws: ``ModelError/invalidConfiguration(_:)``, ``ModelError/outOfMemory(_:)`` when the
    ///   weights would not fit in the memory available, ``ModelError/interrupted``.
    public convenience init(configuration: LlamaConfiguration, seed: UInt64 = 0, shouldStop: () -> Bool = { false }) throws {
        try configuration.validate()
        try Self.checkMemory(configuration.memoryEstimate, for: "a model with \(configuration.parameterCount) parameters")
        var rng = SplitMix64(seed: seed)
        let (v, d, f) = (configuration.vocabularySize, configuration.dimension, configuration.mlpHiddenSize)
        let std: Float = 0.02
        let residualStd = std / Float(2 * configuration.layers).squareRoot()
        func normal(_ shape: [Int], _ s: Float) -> Tensor {
            Tensor.randomNormal(shape, standardDeviation: s, rng: &rng)
        }
        var tensors: [String: Tensor] = [:]
        tensors[Self.embeddingName] = normal([v, d], std)
        for l in 0..<configuration.layers {
            if shouldStop() { throw ModelError.interrupted }
            let p = "model.layers.\(l)."
            tensors[p + "input_layernorm.weight"] = Tensor(repeating: 1, shape: [d])
            tensors[p + "self_attn.q_proj.weight"] = normal([d, d], std)
            tensors[p + "self_attn.k_proj.weight"] = normal([d, d], std)
            tensors[p + "self_attn.v_proj.weight"] = normal([d, d], std)
            tensors[p + "self_attn.o_proj.weight"] = normal([d, d], residualStd)
            tensors[p + "post_attention_layernorm.weight"] = Tensor(repeating: 1, shape: [d])
            tensors[p + "mlp.gate_proj.weight"] = normal([f, d], std)
            tensors[p + "mlp.up_proj.weight"] = normal([f, d], std)
            tensors[p + "mlp.down_proj.weight"] = normal([d, f], residualStd)
        }
        tensors[Self.finalNormName] = Tensor(repeating: 1, shape: [d])
        try self.init(configuration: configuration, tensors: tensors)
    }

    /// A model made of the given tensors, keyed by Hugging Face name (see
    /// ``parameterShapes(for:)``). The tensors are used as they are, not copied.
    /// - Throws: ``ModelError/invalidCheckpoint(_:)`` listing missing, extra and mis-shaped
    ///   tensors, or ``ModelError/invalidConfiguration(_:)``.
    public init(configuration: LlamaConfiguration, tensors: [String: Tensor]) throws {
        try configuration.validate()
        try Self.checkMemory(configuration.rotaryTableBytes, for: "the rotary table of \(configuration.maximumLength) positions")
        let expected = Self.parameterShapes(for: configuration)
        var problems: [String] = []
        let missing = expected.map(\.name).filter { tensors[$0] == nil }
        if !missing.isEmpty { problems.append("missing \(missing.joined(separator: ", "))") }
        let known = Set(expected.map(\.name))
        let extra = tensors.keys.filter { !known.contains($0) }.sorted()
        if !extra.isEmpty { problems.append("unexpected \(extra.joined(separator: ", "))") }
        for (name, shape) in expected {
            if let t = tensors[name], t.shape != shape {
                problems.append("\(name) has shape \(t.shape), expected \(shape)")
            }
        }
        guard problems.isEmpty else {
            throw ModelError.invalidCheckpoint(problems.joined(separator: "; "))
        }
        func take(_ name: String) -> Tensor { Tensor.parameter(tensors[name]!, name: name) }
        self.configuration = configuration
        embedding = take(Self.embeddingName)
        blocks = (0..<configuration.layers).map { l in
            let p = "model.layers.\(l)."
            return LlamaBlockWeights(
                inputNorm: take(p + "input_layernorm.weight"),
                query: take(p + "self_attn.q_proj.weight"),
                key: take(p + "self_attn.k_proj.weight"),
                value: take(p + "self_attn.v_proj.weight"),
                output: take(p + "self_attn.o_proj.weight"),
                postAttentionNorm: take(p + "post_attention_layernorm.weight"),
                gate: take(p + "mlp.gate_proj.weight"),
                up: take(p + "mlp.up_proj.weight"),
                down: take(p + "mlp.down_proj.weight"))
        }
        finalNorm = take(Self.finalNormName)
        rotary = RotaryTable(headDimension: configuration.headDimension,
                             maximumLength: configuration.maximumLength, theta: configuration.ropeTheta)
    }

    /// Throws ``ModelError/outOfMemory(_:)`` when `bytes` (an estimate of what `what` is about
    /// to allocate) would not fit in the memory still available.
    public static func checkMemory(_ bytes: Int, for what: @autoclosure () -> String) throws {
        do {
            try HostMemory.check(bytes, for: what())
        } catch {
            throw ModelError.outOfMemory(error.description)
        }
    }

    public static let embeddingName = "model.embed_tokens.weight"
    static let finalNormName = "model.norm.weight"

    /// The parameter names and shapes a configuration implies, in the model's fixed order.
    public static func parameterShapes(for c: LlamaConfiguration) -> [(name: String, shape: [Int])] {
        let (v, d, f) = (c.vocabularySize, c.dimension, c.mlpHiddenSize)
        var list: [(String, [Int])] = [(embeddingName, [v, d])]
        for l in 0..<c.layers {
            let p = "model.layers.\(l)."
            list += [
                (p + "input_layernorm.weight", [d]),
                (p + "self_attn.q_proj.weight", [d, d]), (p + "self_attn.k_proj.weight", [d, d]),
                (p + "self_attn.v_proj.weight", [d, d]), (p + "self_attn.o_proj.weight", [d, d]),
                (p + "post_attention_layernorm.weight", [d]),
                (p + "mlp.gate_proj.weight", [f, d]), (p + "mlp.up_proj.weight", [f, d]),
                (p + "mlp.down_proj.weight", [d, f]),
            ]
        }
        list.append((finalNormName, [d]))
        return list
    }

    /// Every trainable tensor with its Hugging Face name, in a fixed order.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        var list: [(String, Tensor)] = [(Self.embeddingName, embedding)]
        for (l, b) in blocks.enumerated() {
            let p = "model.layers.\(l)."
            list += [
                (p + "input_layernorm.weight", b.inputNorm),
                (p + "self_attn.q_proj.weight", b.query), (p + "self_attn.k_proj.weight", b.key),
                (p + "self_attn.v_proj.weight", b.value), (p + "self_attn.o_proj.weight", b.output),
                (p + "post_attention_layernorm.weight", b.postAttentionNorm),
                (p + "mlp.gate_proj.weight", b.gate), (p + "mlp.up_proj.weight", b.up),
                (p + "mlp.down_proj.weight", b.down),
            ]
        }
        list.append((Self.finalNormName, finalNorm))
        return list
    }

    /// Every trainable tensor, in the order of ``namedParameters()``.
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// Number of trainable scalars.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Sets every parameter's gradient to zero.
    public func zeroGradients() { for p in parameters() { p.zeroGrad() } }
}

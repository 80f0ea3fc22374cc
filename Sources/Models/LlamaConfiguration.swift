// LlamaConfiguration: the sizes of a Llama-style decoder, checked before anything is allocated.

/// The shape of a ``LlamaModel``: a decoder-only transformer in the Llama layout (pre-norm
/// RMSNorm, causal multi-head attention with rotary positions, SwiGLU MLP, output head tied to
/// the token embedding, no biases).
///
/// The defaults are the calibration model (`docs/calibration.md`): dimension 128, 4 layers,
/// 4 heads, MLP hidden size 352 — 853,504 parameters with a 387-token vocabulary.
///
/// ```swift
/// var configuration = LlamaConfiguration(vocabularySize: 387)
/// try configuration.validate()
/// ```
public struct LlamaConfiguration: Codable, Sendable, Equatable {
    /// Number of rows of the token embedding (and of the tied output head).
    public var vocabularySize: Int
    /// Width of the residual stream (`hidden_size` in Hugging Face terms).
    public var dimension: Int
    /// Number of transformer blocks.
    public var layers: Int
    /// Number of attention heads; `dimension / heads` is the head size and must be even.
    public var heads: Int
    /// Hidden width of the SwiGLU MLP (`intermediate_size`).
    public var mlpHiddenSize: Int
    /// Base of the rotary position frequencies.
    public var ropeTheta: Double
    /// The epsilon inside every RMSNorm.
    public var normEpsilon: Double
    /// Longest sequence (prompt plus generated tokens) the model accepts.
    public var maximumLength: Int
    /// Token ids of the beginning-of-sequence, end-of-sequence and padding tokens.
    public var bosTokenID: Int
    public var eosTokenID: Int
    public var padTokenID: Int

    /// Creates a configuration; `mlpHiddenSize` defaults to
    /// ``defaultMLPHiddenSize(dimension:)``.
    public init(
        vocabularySize: Int,
        dimension: Int = 128,
        layers: Int = 4,
        heads: Int = 4,
        mlpHiddenSize: Int? = nil,
        ropeTheta: Double = 10_000,
        normEpsilon: Double = 1e-5,
        maximumLength: Int = 512,
        bosTokenID: Int = 1,
        eosTokenID: Int = 2,
        padTokenID: Int = 0
    ) {
        self.vocabularySize = vocabularySize
        self.dimension = dimension
        self.layers = layers
        self.heads = heads
        self.mlpHiddenSize = mlpHiddenSize ?? Self.defaultMLPHiddenSize(dimension: dimension)
        self.ropeTheta = ropeTheta
        self.normEpsilon = normEpsilon
        self.maximumLength = maximumLength
        self.bosTokenID = bosTokenID
        self.eosTokenID = eosTokenID
        self.padTokenID = padTokenID
    }

    /// The SwiGLU hidden width Llama uses for a given model width: `8/3 · dimension` (which keeps
    /// the MLP's parameter count at that of a 4× GELU MLP), rounded up to a multiple of 32.
    /// For dimension 128 this is 352.
    public static func defaultMLPHiddenSize(dimension: Int) -> Int {
        let raw = (8 * max(dimension, 1) + 2) / 3
        return (raw + 31) / 32 * 32
    }

    /// Size of one attention head.
    public var headDimension: Int { heads > 0 ? dimension / heads : 0 }

    /// Number of trainable parameters (the output head shares the embedding). Meaningful for
    /// a configuration that passed ``validate(naming:)`` (whose bounds keep it from overflowing).
    public var parameterCount: Int {
        let attention = 4 * dimension * dimension
        let mlp = 3 * dimension * mlpHiddenSize
        let norms = 2 * dimension
        return vocabularySize * dimension + layers * (attention + mlp + norms) + dimension
    }

    /// Bytes a model of this configuration holds once built: its parameters and its rotary
    /// table (training adds gradients, optimizer state and activations on top).
    public var memoryEstimate: Int {
        4 * parameterCount + rotaryTableBytes
    }

    /// Bytes of the rotary cos/sin table (`maximumLength × headDimension` floats).
    public var rotaryTableBytes: Int { 4 * maximumLength * headDimension }

    /// The largest value each size may take: far beyond what a CPU trains, small enough that
    /// no product of them overflows and a crafted file is refused before anything is allocated.
    public static let limits: [(field: Field, limit: Int)] = [
        (.vocabularySize, 1 << 21), (.dimension, 1 << 16), (.layers, 1024), (.heads, 1 << 12),
        (.mlpHiddenSize, 1 << 18), (.maximumLength, 1 << 20),
    ]

    /// The sizes that are checked against ``limits``.
    public enum Field: String, Sendable, CaseIterable {
        case vocabularySize, dimension, layers, heads, mlpHiddenSize, maximumLength

        /// The value of this field in a configuration.
        public func value(in c: LlamaConfiguration) -> Int {
            switch self {
            case .vocabularySize: c.vocabularySize
            case .dimension: c.dimension
            case .layers: c.layers
            case .heads: c.heads
            case .mlpHiddenSize: c.mlpHiddenSize
            case .maximumLength: c.maximumLength
            }
        }
    }

    /// The upper limit of one field.
    public static func limit(of field: Field) -> Int {
        limits.first { $0.field == field }!.limit
    }

    /// Checks that the sizes describe a model that can exist, each within ``limits``.
    /// - Parameter naming: how a field is called in the error (a file's key, an argument's
    ///   name); by default its Swift name, which is also its key in the `latent` section.
    /// - Throws: ``ModelError/invalidConfiguration(_:)`` naming the first impossible value.
    public func validate(naming: (Field) -> String = { $0.rawValue }) throws {
        func fail(_ message: String) -> ModelError { .invalidConfiguration(message) }
        for (field, limit) in Self.limits {
            let value = field.value(in: self)
            guard value > 0 else { throw fail("\(naming(field)) must be positive, got \(value)") }
            guard value <= limit else { throw fail("\(naming(field)) is \(value), above the limit of \(limit)") }
        }
        guard dimension % heads == 0 else {
            throw fail("\(naming(.dimension)) \(dimension) is not divisible by \(naming(.heads)) \(heads)")
        }
        guard headDimension % 2 == 0 else {
            throw fail(
                "head dimension \(headDimension) (\(naming(.dimension)) \(dimension) / \(naming(.heads)) \(heads)) "
                    + "must be even for rotary positions")
        }
        guard ropeTheta.isFinite, ropeTheta > 1 else {
            throw fail("ropeTheta must be a finite number above 1, got \(ropeTheta)")
        }
        guard normEpsilon.isFinite, normEpsilon > 0 else {
            throw fail("normEpsilon must be a small positive number, got \(normEpsilon)")
        }
        for (name, id) in [("bosTokenID", bosTokenID), ("eosTokenID", eosTokenID),
                           ("padTokenID", padTokenID)]
        where id < 0 || id >= vocabularySize {
            throw fail("\(name) \(id) is outside the vocabulary 0..<\(vocabularySize)")
        }
    }
}

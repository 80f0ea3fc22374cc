// LatentModel: a Llama decoder that can reason in continuous vectors (method.md §(a), §(b)).
// It adds the recurrent filter F and uses four special tokens of the tokenizer:
//   <START>        begin-of-latent marker, the last prompt token;
//   <|CONTINUE|>   one latent step (its input is F(h of the previous position), never its embedding);
//   <|STOP|>       "stop thinking" — fed back as <END>;
//   <END>          end-of-latent marker, input only, never predicted.
// The stop head is the dot product of h with the tied embedding rows of CONTINUE and STOP.
// Logit masking: at "binary" positions (<START> and every latent step) only CONTINUE/STOP are
// allowed; everywhere else CONTINUE, STOP and END are -inf.

import Datasets
import Foundation
import TensorCore

/// The ids a latent model needs from its tokenizer.
public struct LatentTokens: Sendable, Equatable {
    public var start, end, `continue`, stop, eos, pad: Int

    /// Explicit ids (a model without a tokenizer, e.g. the latent throughput benchmark).
    public init(start: Int, end: Int, continue: Int, stop: Int, eos: Int, pad: Int) {
        (self.start, self.end, self.continue, self.stop, self.eos, self.pad) = (start, end, `continue`, stop, eos, pad)
    }

    /// The latent ids of `tokenizer`.
    public init(_ tokenizer: Tokenizer) {
        (start, end, `continue`, stop) = (tokenizer.startID, tokenizer.endID, tokenizer.continueID, tokenizer.stopID)
        (eos, pad) = (tokenizer.eosID, tokenizer.padID)
    }
}

/// A decoder plus the latent filter and the special-token ids of latent reasoning.
///
/// ```swift
/// let latent = try LatentModel(teacher: cotModel, tokenizer: tokenizer)   // copy + mean-resized rows
/// try latent.save(to: URL(fileURLWithPath: "latent6"), tokenizer: tokenizer)
/// let again = try LatentModel.load(from: URL(fileURLWithPath: "latent6")).model
/// ```
public final class LatentModel {
    /// The decoder (its embedding is also the output head and the stop head).
    public let base: LlamaModel
    /// The recurrent filter `F`.
    public let filter: LatentFilter
    /// The special-token ids.
    public let tokens: LatentTokens

    /// Wraps `base` and `filter` (used as they are, not copied).
    /// - Throws: ``ModelError/invalidInput(_:)`` when the tokenizer does not fit the model.
    public init(base: LlamaModel, filter: LatentFilter, tokenizer: Tokenizer) throws {
        guard tokenizer.count == base.configuration.vocabularySize else {
            throw ModelError.invalidInput(
                "tokenizer has \(tokenizer.count) tokens but the model's vocabulary is \(base.configuration.vocabularySize)")
        }
        guard filter.dimension == base.configuration.dimension else {
            throw ModelError.invalidInput("latent filter of dimension \(filter.dimension) for a model of dimension \(base.configuration.dimension)")
        }
        self.base = base
        self.filter = filter
        self.tokens = LatentTokens(tokenizer)
    }

    /// Wraps `base` and `filter` with known special-token ids (a weight-sharing replica, or a
    /// model without a tokenizer).
    /// - Throws: ``ModelError/invalidInput(_:)`` when the filter or an id does not fit the model.
    public init(base: LlamaModel, filter: LatentFilter, tokens: LatentTokens) throws {
        let v = base.configuration.vocabularySize
        let ids = [tokens.start, tokens.end, tokens.continue, tokens.stop, tokens.eos, tokens.pad]
        if let bad = ids.first(where: { $0 < 0 || $0 >= v }) {
            throw ModelError.invalidInput("latent token id \(bad) is outside the vocabulary 0..<\(v)")
        }
        guard filter.dimension == base.configuration.dimension else {
            throw ModelError.invalidInput("latent filter of dimension \(filter.dimension) for a model of dimension \(base.configuration.dimension)")
        }
        self.base = base
        self.filter = filter
        self.tokens = tokens
    }

    /// A latent model made from a trained CoT (or No-CoT) `teacher`: a COPY of its weights (the
    /// teacher is left untouched), a fresh filter (Xavier, seeded), and — with `meanResize` —
    /// the rows of `<START>`, `<END>`, `<|CONTINUE|>` and `<|STOP|>` set to the mean of all other
    /// embedding rows (the paper's mean resizing; the teacher never trained those rows).
    /// With `embeddingScale`, the filter's output is scaled to the embeddings' size
    /// (``matchFilterToEmbeddingScale()``, what the language's `distill` does by default);
    /// without it, the paper's LayerNorm gain of 1.
    public convenience init(teacher: LlamaModel, tokenizer: Tokenizer, seed: UInt64 = 0, meanResize: Bool = true,
                            embeddingScale: Bool = false) throws {
        var copies: [String: Tensor] = [:]
        for (name, t) in teacher.namedParameters() { copies[name] = Tensor(t.scalars, shape: t.shape) }
        let base = try LlamaModel(configuration: teacher.configuration, tensors: copies)
        try self.init(base: base, filter: LatentFilter(dimension: teacher.configuration.dimension, seed: seed),
                      tokenizer: tokenizer)
        if meanResize { meanResizeSpecialRows() }
        if embeddingScale { matchFilterToEmbeddingScale() }
    }

    /// Scales the filter's output to the size of the inputs the decoder was trained on: the
    /// LayerNorm gain becomes (mean norm of the ordinary embedding rows) / √D, so that F(h) has
    /// about the norm of a token embedding instead of √D.
    ///
    /// Why: a LayerNorm with gain 1 outputs vectors of norm √D (11.3 at D = 128), while the rows
    /// of a small Llama trained from N(0, 0.02) have norm ≈ 0.85. A latent input 13× larger than
    /// any token embedding dominates the residual stream of its position, the blocks' additions
    /// barely change it, and each latent step becomes close to the identity: a Latent-6 model
    /// distilled that way answered no better with 6 latent steps than with 0 (BENCHMARKS.md).
    /// Large models of the paper live with the mismatch; at this size it decides the outcome.
    public func matchFilterToEmbeddingScale() {
        let e = base.embedding
        let d = e.dim(1)
        let rows = ordinaryEmbeddingRows
        var total = 0.0
        for r in rows {
            var s = 0.0
            for j in 0..<d { s += Double(e.data[r * d + j]) * Double(e.data[r * d + j]) }
            total += s.squareRoot()
        }
        let gain = Float(total / Double(max(rows.count, 1)) / Double(d).squareRoot())
        let w = filter.normWeight
        for j in 0..<w.count { w.data[j] = gain }
    }

    /// Sets the four latent special rows to the mean of the other embedding rows.
    public func meanResizeSpecialRows() {
        let e = base.embedding
        let d = e.dim(1)
        let rows = ordinaryEmbeddingRows
        var mean = [Float](repeating: 0, count: d)
        for r in rows { for j in 0..<d { mean[j] += e.data[r * d + j] } }
        for j in 0..<d { mean[j] /= Float(max(rows.count, 1)) }
        for r in [tokens.start, tokens.end, tokens.continue, tokens.stop] { for j in 0..<d { e.data[r * d + j] = mean[j] } }
    }

    /// The embedding rows other than the four latent special tokens'.
    private var ordinaryEmbeddingRows: [Int] {
        let special: Set<Int> = [tokens.start, tokens.end, tokens.continue, tokens.stop]
        return (0..<base.embedding.dim(0)).filter { !special.contains($0) }
    }

    /// Decoder parameters followed by the filter's.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        base.namedParameters() + filter.namedParameters()
    }

    /// Every trainable tensor, in the order of ``namedParameters()``.
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// Number of trainable scalars (the decoder's and the filter's).
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// The two stop-head logits `[h·e_CONTINUE, h·e_STOP]` of a hidden state `h` (`D` floats).
    public func stopLogits(_ h: UnsafePointer<Float>) -> (continue: Float, stop: Float) {
        let d = base.configuration.dimension
        let e = base.embedding.data
        var c: Float = 0, s: Float = 0
        for j in 0..<d {
            c += h[j] * e[tokens.continue * d + j]
            s += h[j] * e[tokens.stop * d + j]
        }
        return (c, s)
    }
}

// MARK: - Logit masking

extension LatentModel {
    /// `logits` (`[..., V]`, one row per position) with the latent masking rules applied: rows
    /// where `binary[r]` is true keep only CONTINUE and STOP (every other entry −∞), the other
    /// rows get −∞ at CONTINUE, STOP and END. Differentiable: masked entries get no gradient.
    public func maskedLogits(_ logits: Tensor, binary: [Bool]) -> Tensor {
        let profiled = Profiler.open(.elementwise)
        defer { Profiler.close(profiled) }
        let v = logits.dim(-1)
        let rows = logits.count / v
        precondition(binary.count == rows, "maskedLogits: \(binary.count) flags for \(rows) rows")
        let t = tokens
        let out = Tensor(zeros: logits.shape)
        let (px, py) = (logits.data, out.data)
        for r in 0..<rows {
            let (x, y) = (px + r * v, py + r * v)
            if binary[r] {
                for j in 0..<v { y[j] = -.infinity }
                y[t.continue] = x[t.continue]
                y[t.stop] = x[t.stop]
            } else {
                y.update(from: x, count: v)
                y[t.continue] = -.infinity
                y[t.stop] = -.infinity
                y[t.end] = -.infinity
            }
        }
        if Autograd.needsGrad(logits) {
            out.recordOp(inputs: [logits]) { out in
                let (g, gx) = (out.gradBuffer(), logits.gradBuffer())
                for r in 0..<rows {
                    let (src, dst) = (g + r * v, gx + r * v)
                    if binary[r] {
                        dst[t.continue] += src[t.continue]
                        dst[t.stop] += src[t.stop]
                    } else {
                        for j in 0..<v where j != t.continue && j != t.stop && j != t.end { dst[j] += src[j] }
                    }
                }
            }
        }
        return out
    }
}

// The `model` object: a handle on a Llama decoder and its tokenizer, trained in place.

import Support
import Datasets
import Lang
import Models

/// A model inside the language. Training builtins change its weights in place (`sft(m, …)`
/// trains `m`), and remember their runs: `m.last_run` is the newest, `m.runs` all of them —
/// also the way to reach the run of an interrupted call. The first `distill(m, …)` gives the
/// model its latent-reasoning part (the recurrent filter), sharing the decoder's weights.
public final class ModelObject: HostObject {
    /// The decoder (its tensors are updated in place by training).
    public let model: LlamaModel
    /// The latent-reasoning model around ``model`` (same decoder tensors plus the filter), once
    /// `distill` has made one or it was loaded from a latent checkpoint.
    public private(set) var latent: LatentModel?
    /// The tokenizer the model was built with.
    public let tokenizer: Tokenizer
    /// Where the model came from: `model(…)` or the directory it was loaded from.
    public let origin: String
    /// Every training run applied to this model through the language, oldest first.
    public private(set) var runs: [RunObject] = []

    public init(model: LlamaModel, tokenizer: Tokenizer, origin: String, latent: LatentModel? = nil) {
        self.model = model
        self.tokenizer = tokenizer
        self.origin = origin
        self.latent = latent
    }

    /// The latent model, made on first use: a fresh filter (seeded) around this decoder, and the
    /// latent special-token rows set to the mean of the other embedding rows (mean resizing), and
    /// the filter's output scaled to the size of the token embeddings (the paper's LayerNorm gain
    /// 1 measured 11.5 % against 19.2 % for Latent-6, 2026-11-27).
    func latentModel(seed: UInt64) throws -> LatentModel {
        if let latent { return latent }
        let made = try LatentModel(base: model, filter: LatentFilter(dimension: model.configuration.dimension, seed: seed),
                                   tokenizer: tokenizer)
        made.meanResizeSpecialRows()
        made.matchFilterToEmbeddingScale()
        latent = made
        return made
    }

    /// Trainable scalars: the decoder's, plus the filter's for a latent model.
    var parameterCount: Int {
        latent?.parameterCount ?? model.parameterCount
    }

    /// Records a training run on this model.
    func record(_ run: RunObject) {
        runs.append(run)
    }

    /// Optimizer steps applied through the language since the model was created or loaded.
    var trainedSteps: Int { runs.reduce(0) { $0 + $1.run.steps } }

    var configuration: LlamaConfiguration { model.configuration }

    // MARK: HostObject

    public var typeName: String { "model" }

    public var plainText: String {
        let c = configuration
        var text = "model(dim: \(c.dimension), layers: \(c.layers), heads: \(c.heads), mlp: \(c.mlpHiddenSize), "
            + "vocab: \(c.vocabularySize)): \(TextFormat.grouped(parameterCount)) parameters"
        if latent != nil { text += ", latent reasoning" }
        if trainedSteps > 0 {
            text += ", trained \(Markup.plural(trainedSteps, "step"))"
        } else {
            text += origin.hasPrefix("model(") ? ", untrained" : ", loaded from \(origin)"
        }
        if runs.last?.run.interrupted == true { text += " (last run interrupted)" }
        return text
    }

    public var html: String? {
        let c = configuration
        var rows: [(String, String)] = [
            ("parameters", TextFormat.grouped(parameterCount)),
            ("latent", latent != nil ? "true" : "false"),
            ("dim", "\(c.dimension)"), ("layers", "\(c.layers)"), ("heads", "\(c.heads)"),
            ("mlp", "\(c.mlpHiddenSize)"), ("vocab", "\(c.vocabularySize)"),
            ("max_length", "\(c.maximumLength)"), ("number_digits", "\(tokenizer.numberDigits)"),
            ("reversed_numbers", "\(tokenizer.reversedNumbers)"),
            ("trained", Markup.plural(trainedSteps, "step") + " in " + Markup.plural(runs.count, "run")),
        ]
        if !origin.isEmpty { rows.append(("from", TextFormat.htmlEscaped(origin))) }
        return "<p><b>model</b></p>\n" + Markup.fieldTable(rows)
    }

    public var fieldNames: [String] {
        ["dim", "layers", "heads", "mlp", "vocab", "max_length", "params", "latent", "steps", "last_run", "runs", "vocabulary", "number_digits", "reversed_numbers", "origin"]
    }

    public func field(_ name: String) throws -> Value? {
        let c = configuration
        switch name {
        case "dim": return .int(c.dimension)
        case "layers": return .int(c.layers)
        case "heads": return .int(c.heads)
        case "mlp": return .int(c.mlpHiddenSize)
        case "vocab": return .int(c.vocabularySize)
        case "max_length": return .int(c.maximumLength)
        case "params": return .int(parameterCount)
        case "latent": return .bool(latent != nil)
        case "steps": return .int(trainedSteps)
        case "last_run": return runs.last.map { .object($0) } ?? .null
        case "runs": return .list(runs.map { .object($0) })
        case "vocabulary": return .strings(tokenizer.vocabulary)
        case "number_digits": return .int(tokenizer.numberDigits)
        case "reversed_numbers": return .bool(tokenizer.reversedNumbers)
        case "origin": return .string(origin)
        default: return nil
        }
    }
}

// Checkpoint: a model directory that Hugging Face transformers can also read —
// model.safetensors (HF Llama names), config.json (LlamaConfig fields plus ours under
// "latent") and tokenizer.json.

import Datasets
import Foundation
import TensorCore

/// What ``Checkpoint/load(from:)`` returns.
public struct LoadedCheckpoint {
    public let model: LlamaModel
    public let tokenizer: Tokenizer
    /// Tensors whose names start with `"latent."` (parts other modules add, such as the
    /// latent-reasoning filter); the model's own tensors are not repeated here.
    public let additionalTensors: [String: Tensor]
}

/// Saving and loading model directories.
///
/// ```swift
/// try Checkpoint.save(model, tokenizer: tokenizer, to: URL(fileURLWithPath: "run1"))
/// let loaded = try Checkpoint.load(from: URL(fileURLWithPath: "run1"))
/// ```
/// Every file is written atomically (a temporary file in the directory, then a rename), so a
/// crash never leaves a half-written file behind.
public enum Checkpoint {
    public static let weightsFile = "model.safetensors"
    public static let configurationFile = "config.json"
    public static let tokenizerFile = "tokenizer.json"
    /// Prefix of tensor names that belong to extensions of the model, not to the decoder.
    public static let additionalPrefix = "latent."

    /// Writes `model`, its `tokenizer` and any `additionalTensors` (names must start with
    /// ``additionalPrefix``) into `directory`, creating it if needed.
    /// - Throws: ``ModelError/invalidCheckpoint(_:)`` when the tokenizer does not match the
    ///   model's vocabulary or a name is not allowed, or a file-system error naming the path.
    public static func save(
        _ model: LlamaModel, tokenizer: Tokenizer, to directory: URL,
        additionalTensors: [String: Tensor] = [:]
    ) throws {
        let c = model.configuration
        guard tokenizer.count == c.vocabularySize else {
            throw ModelError.invalidCheckpoint(
                "tokenizer has \(tokenizer.count) tokens but the model's vocabulary is \(c.vocabularySize)")
        }
        if let bad = additionalTensors.keys.first(where: { !$0.hasPrefix(additionalPrefix) }) {
            throw ModelError.invalidCheckpoint("additional tensor \(bad) must be named \(additionalPrefix)…")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var tensors = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor) })
        tensors.merge(additionalTensors) { a, _ in a }
        try SafeTensors.write(tensors, metadata: ["format": "pt"], to: directory.appendingPathComponent(weightsFile))
        let json = try configurationJSON(c)
        try json.write(to: directory.appendingPathComponent(configurationFile), options: .atomic)
        try tokenizer.jsonData().write(to: directory.appendingPathComponent(tokenizerFile), options: .atomic)
    }

    /// Reads a directory written by ``save(_:tokenizer:to:additionalTensors:)`` (or a Hugging
    /// Face Llama directory with our tokenizer), checking every tensor's name and shape.
    /// - Throws: ``ModelError/invalidCheckpoint(_:)`` naming the missing file, the bad field,
    ///   or the missing, unexpected and mis-shaped tensors.
    public static func load(from directory: URL) throws -> LoadedCheckpoint {
        let configURL = directory.appendingPathComponent(configurationFile)
        guard let configData = try? Data(contentsOf: configURL) else {
            throw ModelError.invalidCheckpoint("cannot read \(configURL.path)")
        }
        let configuration = try parseConfiguration(configData, path: configURL.path)
        let tokenizerPath = directory.appendingPathComponent(tokenizerFile).path
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer.load(from: tokenizerPath)
        } catch {
            throw ModelError.invalidCheckpoint("\(tokenizerPath): \(error)")
        }
        guard tokenizer.count == configuration.vocabularySize else {
            throw ModelError.invalidCheckpoint(
                "\(tokenizerPath) has \(tokenizer.count) tokens but config.json says vocab_size \(configuration.vocabularySize)")
        }
        let weightsURL = directory.appendingPathComponent(weightsFile)
        let file: SafeTensorsFile
        do {
            file = try SafeTensors.read(from: weightsURL)
        } catch {
            throw ModelError.invalidCheckpoint("\(weightsURL.path): \(error)")
        }
        var modelTensors: [String: Tensor] = [:]
        var additional: [String: Tensor] = [:]
        for (name, tensor) in file.tensors {
            if name.hasPrefix(additionalPrefix) { additional[name] = tensor } else { modelTensors[name] = tensor }
        }
        // HF may store an explicit (tied) lm_head; it must equal the embedding.
        if let head = modelTensors.removeValue(forKey: "lm_head.weight"),
           let embedding = modelTensors[LlamaModel.embeddingName], head.scalars != embedding.scalars {
            throw ModelError.invalidCheckpoint("lm_head.weight differs from the tied embedding")
        }
        let model = try LlamaModel(configuration: configuration, tensors: modelTensors)
        return LoadedCheckpoint(model: model, tokenizer: tokenizer, additionalTensors: additional)
    }

    // MARK: - config.json

    /// The `LlamaConfig` fields transformers reads, plus ours under `"latent"`.
    static func configurationJSON(_ c: LlamaConfiguration) throws -> Data {
        let latent = try JSONSerialization.jsonObject(with: JSONEncoder().encode(c))
        let object: [String: Any] = [
            "architectures": ["LlamaForCausalLM"],
            "model_type": "llama",
            "vocab_size": c.vocabularySize,
            "hidden_size": c.dimension,
            "intermediate_size": c.mlpHiddenSize,
            "num_hidden_layers": c.layers,
            "num_attention_heads": c.heads,
            "num_key_value_heads": c.heads,
            "head_dim": c.headDimension,
            "max_position_embeddings": c.maximumLength,
            "rms_norm_eps": c.normEpsilon,
            "rope_theta": c.ropeTheta,
            "rope_scaling": NSNull(),
            "attention_bias": false,
            "mlp_bias": false,
            "tie_word_embeddings": true,
            "hidden_act": "silu",
            "initializer_range": 0.02,
            "bos_token_id": c.bosTokenID,
            "eos_token_id": c.eosTokenID,
            "pad_token_id": c.padTokenID,
            "torch_dtype": "float32",
            "latent": latent,
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    /// Reads our section when present, else the Hugging Face fields.
    static func parseConfiguration(_ data: Data, path: String) throws -> LlamaConfiguration {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelError.invalidCheckpoint("\(path) is not a JSON object")
        }
        if let latent = object["latent"] {
            do {
                let bytes = try JSONSerialization.data(withJSONObject: latent)
                let configuration = try JSONDecoder().decode(LlamaConfiguration.self, from: bytes)
                try configuration.validate()
                return configuration
            } catch let error as ModelError {
                throw ModelError.invalidCheckpoint("\(path): \(error)")
            } catch {
                throw ModelError.invalidCheckpoint("\(path): the \"latent\" section is malformed (\(error))")
            }
        }
        func int(_ key: String) throws -> Int {
            guard let v = object[key] as? Int else {
                throw ModelError.invalidCheckpoint("\(path) lacks the integer field \"\(key)\"")
            }
            return v
        }
        let heads = try int("num_attention_heads")
        if let kv = object["num_key_value_heads"] as? Int, kv != heads {
            throw ModelError.invalidCheckpoint("\(path): grouped-query attention (num_key_value_heads \(kv)) is not supported")
        }
        let configuration = LlamaConfiguration(
            vocabularySize: try int("vocab_size"), dimension: try int("hidden_size"),
            layers: try int("num_hidden_layers"), heads: heads,
            mlpHiddenSize: try int("intermediate_size"),
            ropeTheta: object["rope_theta"] as? Double ?? 10_000,
            normEpsilon: object["rms_norm_eps"] as? Double ?? 1e-6,
            maximumLength: object["max_position_embeddings"] as? Int ?? 512,
            bosTokenID: object["bos_token_id"] as? Int ?? 1, eosTokenID: object["eos_token_id"] as? Int ?? 2,
            padTokenID: object["pad_token_id"] as? Int ?? 0)
        do { try configuration.validate() } catch { throw ModelError.invalidCheckpoint("\(path): \(error)") }
        return configuration
    }
}

// config.json: the LlamaConfig fields transformers reads, plus ours under "latent".

import Foundation
import Models

/// Writing and reading a checkpoint's `config.json`.
enum CheckpointConfiguration {
    /// The Hugging Face key of each checked size.
    static func huggingFaceName(_ field: LlamaConfiguration.Field) -> String {
        switch field {
        case .vocabularySize: "vocab_size"
        case .dimension: "hidden_size"
        case .layers: "num_hidden_layers"
        case .heads: "num_attention_heads"
        case .mlpHiddenSize: "intermediate_size"
        case .maximumLength: "max_position_embeddings"
        }
    }

    /// The `LlamaConfig` fields transformers reads, plus ours under `"latent"`.
    static func json(_ c: LlamaConfiguration) throws -> Data {
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

    /// Reads our section when present (the Hugging Face fields beside it must agree with it),
    /// else the Hugging Face fields. Every size is checked against its limit, named by its key.
    static func parse(_ data: Data, path: String) throws -> LlamaConfiguration {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelError.invalidCheckpoint("\(path) is not a JSON object")
        }
        if let section = object["latent"] {
            guard let latent = section as? [String: Any] else {
                throw ModelError.invalidCheckpoint("\(path): the \"latent\" section is not a JSON object")
            }
            let configuration: LlamaConfiguration
            do {
                let bytes = try JSONSerialization.data(withJSONObject: latent)
                configuration = try JSONDecoder().decode(LlamaConfiguration.self, from: bytes)
                try configuration.validate { "latent.\($0.rawValue)" }
            } catch let error as ModelError {
                throw ModelError.invalidCheckpoint("\(path): \(error)")
            } catch {
                throw ModelError.invalidCheckpoint("\(path): the \"latent\" section is malformed (\(error))")
            }
            for field in LlamaConfiguration.Field.allCases {
                let key = huggingFaceName(field)
                guard let value = object[key] else { continue }
                let expected = field.value(in: configuration)
                guard (value as? Int) == expected else {
                    throw ModelError.invalidCheckpoint(
                        "\(path): \"\(key)\" is \(value) but the \"latent\" section says \(field.rawValue) \(expected)")
                }
            }
            return configuration
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
        do {
            try configuration.validate(naming: huggingFaceName)
        } catch {
            throw ModelError.invalidCheckpoint("\(path): \(error)")
        }
        return configuration
    }
}

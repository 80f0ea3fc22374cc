// Model builtins: model, load_model, params, tokenize, detokenize, predict.

import Datasets
import Foundation
import Lang
import ModelFiles
import Models
import TensorCore

/// The Models category of the contract.
enum ModelBuiltins {
    static let category = "Models"

    static var all: [Builtin] { [model, loadModel, params, tokenize, detokenize, predict] }

    static var model: Builtin {
        Builtin(
            name: "model",
            parameters: [.init("data"), .init("dim", default: 128), .init("layers", default: 4), .init("heads", default: 4),
                         .init("seed", default: 0), .init("mlp", default: .null), .init("max_length", default: 512),
                         .init("number_digits", default: 1), .init("reversed_numbers", default: true)],
            summary: "A fresh Llama-style decoder (RMSNorm, rotary positions, SwiGLU, tied head) whose tokenizer is "
                + "built from `data`, with the latent-reasoning tokens added; `mlp` sets the MLP width (default 8/3·dim rounded "
                + "up to 32), `max_length` the longest sequence. "
                + "Numbers are read least significant digit first (`729` as the tokens 9 2 7; decoding turns it back), the "
                + "reading of the best measured recipe (2026-12-05); `reversed_numbers: false` is the paper's. "
                + "`number_digits: 3` reads every number of up to three digits as one token, as Llama 3's tokenizer does.",
            example: "m = model(parts.train, dim: 128, layers: 4, heads: 4)",
            category: category
        ) { args, context in
            let data = try DataBuiltins.dataset(args, "data")
            let dim = try positive(args, "dim", limit: LlamaConfiguration.limit(of: .dimension))
            let layers = try positive(args, "layers", limit: LlamaConfiguration.limit(of: .layers))
            let heads = try positive(args, "heads", limit: LlamaConfiguration.limit(of: .heads))
            guard dim % heads == 0 else {
                throw args.valueError("heads", "must divide dim (\(dim)); e.g. heads: \(suggestHeads(dim)), got \(heads)")
            }
            guard (dim / heads) % 2 == 0 else {
                throw args.valueError("heads", "must leave an even head size dim/heads for rotary positions; \(dim)/\(heads) = \(dim / heads)")
            }
            let seed = try args.int("seed")
            guard seed >= 0 else { throw args.valueError("seed", "must be 0 or more, got \(seed)") }
            let mlp = try args.optionalInt("mlp")
            if let mlp, mlp < 1 { throw args.valueError("mlp", "must be at least 1 (or nil for the default), got \(mlp)") }
            if let mlp, mlp > LlamaConfiguration.limit(of: .mlpHiddenSize) {
                throw args.valueError("mlp", "is \(mlp), above the limit of \(LlamaConfiguration.limit(of: .mlpHiddenSize))")
            }
            let maximumLength = try positive(args, "max_length", limit: LlamaConfiguration.limit(of: .maximumLength))
            let numberDigits = try args.int("number_digits")
            guard (1...Tokenizer.maximumNumberDigits).contains(numberDigits) else {
                throw args.valueError("number_digits", "must be 1 (one token per digit) to \(Tokenizer.maximumNumberDigits) "
                    + "(numbers up to 999 as one token), got \(numberDigits)")
            }
            let reversedNumbers = try args.bool("reversed_numbers")
            let tokenizer = Tokenizer(building: data.dataset, numberDigits: numberDigits, reversedNumbers: reversedNumbers)
            let configuration = LlamaConfiguration(
                vocabularySize: tokenizer.count, dimension: dim, layers: layers, heads: heads, mlpHiddenSize: mlp,
                maximumLength: maximumLength, bosTokenID: tokenizer.bosID, eosTokenID: tokenizer.eosID,
                padTokenID: tokenizer.padID)
            let interruption = context.interruption
            let network = try EngineErrors.run("model", "dim") {
                try LlamaModel(configuration: configuration, seed: UInt64(seed)) { interruption.isRequested }
            }
            var origin = "model(data, dim: \(dim), layers: \(layers), heads: \(heads), seed: \(seed)"
            if let mlp { origin += ", mlp: \(mlp)" }
            if numberDigits > 1 { origin += ", number_digits: \(numberDigits)" }
            if !reversedNumbers { origin += ", reversed_numbers: false" }
            origin += ")"
            return .object(ModelObject(model: network, tokenizer: tokenizer, origin: origin))
        }
    }

    /// A whole-number argument from 1 to `limit` (by default, any).
    static func positive(_ args: Arguments, _ name: String, limit: Int = Int.max) throws -> Int {
        let n = try args.int(name)
        guard n >= 1 else { throw args.valueError(name, "must be a whole number of at least 1, got \(n)") }
        guard n <= limit else { throw args.valueError(name, "is \(n), above the limit of \(limit)") }
        return n
    }

    /// A head count that divides `dim` and leaves an even head size.
    static func suggestHeads(_ dim: Int) -> Int {
        [8, 4, 2, 1].first { dim % $0 == 0 && (dim / $0) % 2 == 0 } ?? 1
    }

    static var loadModel: Builtin {
        Builtin(
            name: "load_model", parameters: [.init("dir")],
            summary: "Reads a model directory written by save(model, dir): model.safetensors, config.json and tokenizer.json "
                + "(with the latent filter when the model was distilled).",
            example: "m = load_model(\"runs/m1\")",
            category: category
        ) { args, _ in
            let dir = try args.string("dir")
            let path = Paths.resolve(dir)
            guard Paths.isDirectory(path) else {
                let what = Paths.exists(path) ? "is a file" : "does not exist"
                throw RuntimeError(.ioError, "load_model: argument 'dir' \(dir) \(what); expected a directory written by "
                    + "save(model, dir), holding model.safetensors, config.json and tokenizer.json")
            }
            let loaded = try EngineErrors.run("load_model", "dir") { try Checkpoint.load(from: URL(fileURLWithPath: path)) }
            let hasFilter = loaded.additionalTensors.keys.contains { $0.hasPrefix(LatentFilter.prefix) }
            let latent = hasFilter ? try EngineErrors.run("load_model", "dir") { try LatentModel(loaded: loaded, path: dir) } : nil
            return .object(ModelObject(model: loaded.model, tokenizer: loaded.tokenizer, origin: dir, latent: latent))
        }
    }

    static var params: Builtin {
        Builtin(
            name: "params", parameters: [.init("model")],
            summary: "The number of trainable parameters of a model (the output head shares the embedding; "
                + "a latent model also counts its recurrent filter).",
            example: "params(m)  # 853504",
            category: category
        ) { args, _ in
            .int(try model(args).parameterCount)
        }
    }

    static var tokenize: Builtin {
        Builtin(
            name: "tokenize", parameters: [.init("model"), .init("text")],
            summary: "The token ids of a text under the model's tokenizer (numbers become single digits; "
                + "unknown words become <unk>; no <bos>/<eos> added).",
            example: "tokenize(m, \"Question: 12+7\")",
            category: category
        ) { args, _ in
            let m = try model(args)
            return .list(m.tokenizer.encode(try args.string("text")).map { .int($0) })
        }
    }

    static var detokenize: Builtin {
        Builtin(
            name: "detokenize", parameters: [.init("model"), .init("ids")],
            summary: "The text of a list of token ids (special tokens included, written as <eos>, <START>, …).",
            example: "detokenize(m, tokenize(m, \"12+7\"))  # \"12+7\"",
            category: category
        ) { args, _ in
            let m = try model(args)
            let ids = try tokenIDs(args, "ids", vocabulary: m.tokenizer.count)
            return .string(m.tokenizer.decode(ids))
        }
    }

    static var predict: Builtin {
        Builtin(
            name: "predict", parameters: [.init("model"), .init("text"), .init("top", default: 5)],
            summary: "A table of the most likely next tokens after the text (token, id, prob), read from the "
                + "model's output head at the last position (the text is preceded by <bos>).",
            example: "predict(m, \"Question: Tom has 3 apples.\", top: 5)",
            category: category
        ) { args, _ in
            let m = try model(args)
            let text = try args.string("text")
            let top = try args.int("top")
            guard top >= 1 else { throw args.valueError("top", "must be at least 1, got \(top)") }
            let ids = [m.tokenizer.bosID] + m.tokenizer.encode(text)
            let limit = m.configuration.maximumLength
            guard ids.count <= limit else {
                throw args.valueError("text", "has \(ids.count) tokens with <bos>, more than the model's max_length \(limit)")
            }
            let logits = try EngineErrors.run("predict", "text") {
                try Autograd.withoutGrad {
                    try m.model.forward(TokenBatch(rows: [ids], padID: m.tokenizer.padID), lastPositionOnly: true).logits.scalars
                }
            }
            let probabilities = softmax(logits)
            let order = probabilities.indices.sorted { (probabilities[$0], -$0) > (probabilities[$1], -$1) }
            let rows: [[Value]] = order.prefix(top).map { id in
                [.string(m.tokenizer.token(of: id) ?? Tokenizer.unk), .int(id), .number(probabilities[id])]
            }
            return .object(Table(columns: ["token", "id", "prob"], rows: rows))
        }
    }

    /// Probabilities from logits, in Double.
    static func softmax(_ logits: [Float]) -> [Double] {
        let peak = Double(logits.max() ?? 0)
        let exps = logits.map { Foundation.exp(Double($0) - peak) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }

    /// The model argument (named `model` in every Models/Training/Inference builtin).
    static func model(_ args: Arguments, _ name: String = "model") throws -> ModelObject {
        try args.object(name, as: ModelObject.self, expected: "a model (from model or load_model)")
    }

    /// A list of token ids, each a whole number inside the vocabulary.
    static func tokenIDs(_ args: Arguments, _ name: String, vocabulary: Int) throws -> [Int] {
        let values = try args.numbers(name)
        return try values.enumerated().map { k, x in
            guard x == x.rounded(), x >= 0, x < Double(vocabulary) else {
                throw args.valueError(name, "element \(k) is \(Markup.number(x)); token ids are whole numbers from 0 to \(vocabulary - 1)")
            }
            return Int(x)
        }
    }
}

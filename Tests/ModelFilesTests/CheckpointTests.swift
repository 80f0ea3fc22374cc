import Datasets
import Foundation
@testable import ModelFiles
import Models
import TensorCore
import Testing

@Suite struct CheckpointTests {
    func scratch(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-checkpoint-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
        try? FileManager.default.removeItem(at: url)
        return url
    }

    func modelAndTokenizer() throws -> (LlamaModel, Tokenizer) {
        let tokenizer = try Fixtures.tokenizer()
        let c = LlamaConfiguration(vocabularySize: tokenizer.count, dimension: 16, layers: 2, heads: 2,
                                   maximumLength: 64, bosTokenID: tokenizer.bosID,
                                   eosTokenID: tokenizer.eosID, padTokenID: tokenizer.padID)
        return (try LlamaModel(configuration: c, seed: 9), tokenizer)
    }

    @Test func roundTripKeepsWeightsLogitsAndTokenizer() throws {
        let (model, tokenizer) = try modelAndTokenizer()
        let dir = scratch("roundtrip")
        defer { try? FileManager.default.removeItem(at: dir) }
        let extra = Tensor([1, 2, 3], shape: [3])
        try Checkpoint.save(model, tokenizer: tokenizer, to: dir, additionalTensors: ["latent.filter.bias": extra])
        let loaded = try Checkpoint.load(from: dir)
        #expect(loaded.model.configuration == model.configuration)
        #expect(loaded.tokenizer == tokenizer)
        #expect(loaded.additionalTensors["latent.filter.bias"]?.scalars == [1, 2, 3])
        for (a, b) in zip(model.namedParameters(), loaded.model.namedParameters()) {
            #expect(a.name == b.name && a.tensor.scalars == b.tensor.scalars)
        }
        let ids = tokenizer.prompt(question: "Mia has 3 apples.", latent: false)
        let batch = TokenBatch(rows: [ids], padID: tokenizer.padID)
        let before = try Autograd.withoutGrad { try model.forward(batch).logits.scalars }
        let after = try Autograd.withoutGrad { try loaded.model.forward(batch).logits.scalars }
        #expect(before == after)
        // The config carries what transformers' LlamaConfig needs.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as! [String: Any]
        #expect(json["model_type"] as? String == "llama")
        #expect(json["architectures"] as? [String] == ["LlamaForCausalLM"])
        #expect(json["hidden_size"] as? Int == 16)
        #expect(json["intermediate_size"] as? Int == model.configuration.mlpHiddenSize)
        #expect(json["tie_word_embeddings"] as? Bool == true)
        #expect(json["num_key_value_heads"] as? Int == 2)
        #expect(json["torch_dtype"] as? String == "float32")
        #expect(json["latent"] is [String: Any])
        // No temporary files are left behind.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["config.json", "model.safetensors", "tokenizer.json"])
    }

    @Test func refusesMissingExtraAndMisshapedTensors() throws {
        let (model, tokenizer) = try modelAndTokenizer()
        let dir = scratch("refusals")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Checkpoint.save(model, tokenizer: tokenizer, to: dir)
        let weights = dir.appendingPathComponent("model.safetensors")
        var tensors = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor) })

        func expectRefusal(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try Checkpoint.load(from: dir)
                Issue.record("loading succeeded; expected \(fragment)", sourceLocation: sourceLocation)
            } catch {
                #expect("\(error)".contains(fragment), "\(error)", sourceLocation: sourceLocation)
            }
        }

        tensors["model.layers.1.mlp.up_proj.weight"] = nil
        try SafeTensors.write(tensors, to: weights)
        expectRefusal("missing model.layers.1.mlp.up_proj.weight")

        tensors["model.layers.1.mlp.up_proj.weight"] = model.blocks[1].up
        tensors["model.layers.2.mlp.up_proj.weight"] = model.blocks[1].up
        try SafeTensors.write(tensors, to: weights)
        expectRefusal("unexpected model.layers.2.mlp.up_proj.weight")

        tensors["model.layers.2.mlp.up_proj.weight"] = nil
        tensors["model.norm.weight"] = Tensor(zeros: [15])
        try SafeTensors.write(tensors, to: weights)
        expectRefusal("model.norm.weight has shape [15], expected [16]")

        try FileManager.default.removeItem(at: dir.appendingPathComponent("config.json"))
        expectRefusal("config.json")
    }

    @Test func refusesATokenizerOfTheWrongSize() throws {
        let (model, tokenizer) = try modelAndTokenizer()
        let other = Tokenizer(building: try Dataset.arith(n: 200, steps: 1...4, seed: 1))
        #expect(other.count != tokenizer.count)
        #expect(throws: ModelError.self) {
            try Checkpoint.save(model, tokenizer: other, to: scratch("wrong"))
        }
    }
}

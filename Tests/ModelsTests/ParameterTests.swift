import Testing
@testable import Models
import TensorCore

@Suite struct ParameterTests {
    @Test func huggingFaceNamesAndShapes() throws {
        let model = try LlamaModel(configuration: Fixtures.tinyConfiguration(), seed: 0)
        let named = model.namedParameters()
        #expect(named.count == 1 + 2 * 9 + 1)
        let shapes = Dictionary(uniqueKeysWithValues: named.map { ($0.name, $0.tensor.shape) })
        #expect(shapes["model.embed_tokens.weight"] == [11, 8])
        #expect(shapes["model.layers.0.input_layernorm.weight"] == [8])
        #expect(shapes["model.layers.1.self_attn.q_proj.weight"] == [8, 8])
        #expect(shapes["model.layers.1.self_attn.o_proj.weight"] == [8, 8])
        #expect(shapes["model.layers.0.post_attention_layernorm.weight"] == [8])
        #expect(shapes["model.layers.0.mlp.gate_proj.weight"] == [16, 8])
        #expect(shapes["model.layers.0.mlp.up_proj.weight"] == [16, 8])
        #expect(shapes["model.layers.0.mlp.down_proj.weight"] == [8, 16])
        #expect(shapes["model.norm.weight"] == [8])
        #expect(named.allSatisfy { $0.tensor.requiresGrad })
        #expect(named.map(\.name) == LlamaModel.parameterShapes(for: model.configuration).map(\.name))
    }

    @Test func initialisationScales() throws {
        let c = LlamaConfiguration(vocabularySize: 300, dimension: 128, layers: 8, heads: 4)
        let model = try LlamaModel(configuration: c, seed: 3)
        func std(_ t: Tensor) -> Double {
            let xs = t.scalars.map(Double.init)
            let mean = xs.reduce(0, +) / Double(xs.count)
            return (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)).squareRoot()
        }
        #expect(abs(std(model.embedding) - 0.02) < 0.001)
        #expect(abs(std(model.blocks[0].query) - 0.02) < 0.001)
        #expect(abs(std(model.blocks[0].down) - 0.02 / 4) < 0.0005)  // 1/√(2·8) = 1/4
        #expect(abs(std(model.blocks[0].output) - 0.02 / 4) < 0.0005)
        #expect(model.finalNorm.scalars.allSatisfy { $0 == 1 })
    }

    @Test func sameSeedSameWeightsAndLogits() throws {
        let a = try LlamaModel(configuration: Fixtures.tinyConfiguration(), seed: 5)
        let b = try LlamaModel(configuration: Fixtures.tinyConfiguration(), seed: 5)
        let c = try LlamaModel(configuration: Fixtures.tinyConfiguration(), seed: 6)
        let batch = TokenBatch(rows: [[1, 4, 5, 6], [1, 7]], padID: 0)
        let la = try Autograd.withoutGrad { try a.forward(batch).logits.scalars }
        let lb = try Autograd.withoutGrad { try b.forward(batch).logits.scalars }
        let lc = try Autograd.withoutGrad { try c.forward(batch).logits.scalars }
        #expect(la == lb)
        #expect(la != lc)
    }
}

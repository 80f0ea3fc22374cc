// Tiny models and inputs shared by the Models tests.

import Datasets
@testable import Models
import Support
import TensorCore

enum Fixtures {
    /// A 2-layer model small enough for finite differences: V 11, D 8, 2 heads, F 16.
    static func tinyConfiguration(layers: Int = 2) -> LlamaConfiguration {
        LlamaConfiguration(vocabularySize: 11, dimension: 8, layers: layers, heads: 2, mlpHiddenSize: 16,
                           maximumLength: 32)
    }

    static func tinyModel(seed: UInt64 = 1, layers: Int = 2) throws -> LlamaModel {
        let model = try LlamaModel(configuration: tinyConfiguration(layers: layers), seed: seed)
        // Norm weights away from 1 so that their gradients are exercised too.
        var rng = SplitMix64(seed: seed &+ 99)
        for (name, t) in model.namedParameters() where name.hasSuffix("norm.weight") {
            for i in 0..<t.count { t.data[i] = 1 + 0.3 * rng.nextStandardNormal() }
        }
        // Larger weights than the 0.02 init, so that attention is not uniform.
        for (name, t) in model.namedParameters() where !name.hasSuffix("norm.weight") {
            for i in 0..<t.count { t.data[i] *= 20 }
        }
        return model
    }

    /// Largest absolute difference between two equally long arrays.
    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// Logits of row `row`, position `position` of a `[B, T, V]` tensor.
    static func logits(_ t: Tensor, row: Int, position: Int) -> [Float] {
        let (len, v) = (t.dim(1), t.dim(2))
        let base = (row * len + position) * v
        return Array(t.scalars[base..<(base + v)])
    }

    /// A small tokenizer built from two arithmetic problems.
    static func tokenizer() throws -> Tokenizer {
        Tokenizer(building: try Dataset.arith(n: 20, steps: 1...2, seed: 3))
    }
}

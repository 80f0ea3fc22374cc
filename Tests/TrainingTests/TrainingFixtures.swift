// Small data, tokenizer and models shared by the Training tests.

import Datasets
import Models
import TensorCore

enum TrainingFixtures {
    static func data(_ n: Int, seed: Int = 7) throws -> Dataset {
        try Dataset.arith(n: n, steps: 1...2, seed: seed)
    }

    static func model(for tokenizer: Tokenizer, dimension: Int = 32, layers: Int = 1, seed: UInt64 = 0) throws -> LlamaModel {
        try LlamaModel(configuration: LlamaConfiguration(
            vocabularySize: tokenizer.count, dimension: dimension, layers: layers, heads: 2,
            maximumLength: 160, bosTokenID: tokenizer.bosID, eosTokenID: tokenizer.eosID,
            padTokenID: tokenizer.padID), seed: seed)
    }
}

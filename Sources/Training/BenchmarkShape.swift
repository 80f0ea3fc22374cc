// BenchmarkShape: the model shape and thread count that `latent bench model` and `latent bench
// latent` share with shared/bench/torch_llama_bench.py, so that both benchmarks and the peer
// measure the same model.

import Models

/// Threads and model sizes of a throughput benchmark (the defaults are torch_llama_bench.py's).
public struct BenchmarkShape: Sendable, Equatable {
    public var threads = 2
    public var vocabulary = 256
    public var dimension = 128
    public var layers = 4
    public var heads = 4
    public var hidden = 352
    public init() {}

    /// A decoder configuration of this shape, for random-weight benchmark models.
    func configuration(maximumLength: Int, padTokenID: Int) -> LlamaConfiguration {
        LlamaConfiguration(vocabularySize: vocabulary, dimension: dimension, layers: layers, heads: heads,
                           mlpHiddenSize: hidden, maximumLength: maximumLength, bosTokenID: 0, eosTokenID: 0,
                           padTokenID: padTokenID)
    }
}

// Weight-sharing replicas: a second model object over the same weight storage, with its own
// gradient buffers, so that several threads can each run a forward and backward of part of a
// batch and the trainer adds their gradients up (Training's DataParallel).

import TensorCore

/// A model that can make a replica of itself sharing its weights.
public protocol WeightSharingModel: AnyObject {
    /// Every trainable tensor, in a fixed order (the replica lists its own in the same order).
    func parameters() -> [Tensor]
    /// A model whose parameters share this model's weight storage (an update to one is seen by
    /// both) but accumulate their own gradients.
    func sharingWeights() throws -> Self
}

/// Tensors over the same storage as `named`'s, keyed by name, without gradients.
func sharedTensors(_ named: [(name: String, tensor: Tensor)]) -> [String: Tensor] {
    Dictionary(uniqueKeysWithValues: named.map { ($0.name, Tensor(storage: $0.tensor.storage, shape: $0.tensor.shape)) })
}

extension LlamaModel: WeightSharingModel {
    public func sharingWeights() throws -> LlamaModel {
        try LlamaModel(configuration: configuration, tensors: sharedTensors(namedParameters()))
    }
}

extension LatentModel: WeightSharingModel {
    public func sharingWeights() throws -> LatentModel {
        let filterCopy = try LatentFilter(tensors: sharedTensors(filter.namedParameters()), dimension: filter.dimension)
        return try LatentModel(base: try base.sharingWeights(), filter: filterCopy, tokens: tokens)
    }
}

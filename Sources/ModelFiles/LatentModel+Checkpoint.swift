// Latent checkpoints: the decoder's checkpoint plus the filter (`latent.filter.*`).

import Datasets
import Foundation
import Models

extension LatentModel {
    /// Saves the decoder, the tokenizer and the filter (`latent.filter.*`) into `directory`
    /// (as ``Checkpoint/save(_:tokenizer:to:additionalTensors:shouldStop:)`` does).
    public func save(to directory: URL, tokenizer: Tokenizer, shouldStop: () -> Bool = { false }) throws {
        try Checkpoint.save(base, tokenizer: tokenizer, to: directory,
                            additionalTensors: Dictionary(uniqueKeysWithValues: filter.namedParameters().map { ($0.name, $0.tensor) }),
                            shouldStop: shouldStop)
    }

    /// Loads a latent checkpoint written by ``save(to:tokenizer:shouldStop:)``.
    /// - Throws: ``ModelError/invalidCheckpoint(_:)``; for a checkpoint without the filter (a plain
    ///   CoT/No-CoT model, or one saved before latent reasoning existed) the message says so.
    public static func load(from directory: URL) throws -> (model: LatentModel, tokenizer: Tokenizer) {
        let loaded = try Checkpoint.load(from: directory)
        return (try LatentModel(loaded: loaded, path: directory.path), loaded.tokenizer)
    }

    /// The latent model of an already loaded checkpoint.
    /// - Throws: ``ModelError/invalidCheckpoint(_:)`` when it has no latent filter.
    public convenience init(loaded: LoadedCheckpoint, path: String = "the checkpoint") throws {
        guard loaded.additionalTensors.keys.contains(where: { $0.hasPrefix(LatentFilter.prefix) }) else {
            throw ModelError.invalidCheckpoint(
                "\(path) has no latent filter (latent.filter.*): it is a plain CoT/No-CoT model and loads as one; "
                    + "latent modes need a model made with distill (or LatentModel(teacher:tokenizer:))")
        }
        let filter = try LatentFilter(tensors: loaded.additionalTensors, dimension: loaded.model.configuration.dimension)
        try self.init(base: loaded.model, filter: filter, tokenizer: loaded.tokenizer)
    }
}

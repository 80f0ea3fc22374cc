// Checkpoint: a model directory that Hugging Face transformers can also read —
// model.safetensors (HF Llama names), config.json (LlamaConfig fields plus ours under
// "latent") and tokenizer.json — saved as a whole and checked as a whole when loaded.

import Datasets
import Foundation
import HostMemory
import Models
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
/// A save writes the whole directory beside the target and swaps it into place in one step
/// (``DirectoryCommit``), so a reader, or a crash at any moment, finds the old checkpoint or
/// the new one, never a mix. The weights' metadata holds a SHA-256 of every part
/// (``CheckpointDigests``), checked on load.
public enum Checkpoint {
    public static let weightsFile = "model.safetensors"
    public static let configurationFile = "config.json"
    public static let tokenizerFile = "tokenizer.json"
    /// The files a checkpoint consists of.
    public static let files = [weightsFile, configurationFile, tokenizerFile]
    /// Prefix of tensor names that belong to extensions of the model, not to the decoder.
    public static let additionalPrefix = "latent."
    /// The largest config.json and tokenizer.json read (far above any real one).
    static let maximumTextFileBytes = 64 << 20

    /// Writes `model`, its `tokenizer` and any `additionalTensors` (names must start with
    /// ``additionalPrefix``) as the directory `directory`, replacing what was there.
    /// - Parameter shouldStop: asked between the steps of the save; true abandons it (nothing
    ///   of it stays behind) with ``ModelError/interrupted``.
    /// - Throws: ``ModelError/invalidCheckpoint(_:)`` when the tokenizer does not match the
    ///   model's vocabulary or a name is not allowed, ``CheckpointWriteError`` naming the path
    ///   and the step when the file system refuses.
    public static func save(
        _ model: LlamaModel, tokenizer: Tokenizer, to directory: URL,
        additionalTensors: [String: Tensor] = [:], shouldStop: () -> Bool = { false }
    ) throws {
        let c = model.configuration
        guard tokenizer.count == c.vocabularySize else {
            throw ModelError.invalidCheckpoint(
                "tokenizer has \(tokenizer.count) tokens but the model's vocabulary is \(c.vocabularySize)")
        }
        if let bad = additionalTensors.keys.first(where: { !$0.hasPrefix(additionalPrefix) }) {
            throw ModelError.invalidCheckpoint("additional tensor \(bad) must be named \(additionalPrefix)…")
        }
        var tensors = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor) })
        tensors.merge(additionalTensors) { a, _ in a }
        let configuration = try CheckpointConfiguration.json(c)
        let tokenizerJSON = try tokenizer.jsonData()
        if shouldStop() { throw ModelError.interrupted }
        var metadata = ["format": "pt"]
        CheckpointDigests(tensors: tensors, configuration: configuration, tokenizer: tokenizerJSON).store(in: &metadata)
        if shouldStop() { throw ModelError.interrupted }
        let weights = SafeTensors.encode(tensors, metadata: metadata)
        try DirectoryCommit(target: directory, files: Set(files)).write(
            [(weightsFile, weights), (configurationFile, configuration), (tokenizerFile, tokenizerJSON)],
            shouldStop: shouldStop)
    }

    /// Reads a directory written by ``save(_:tokenizer:to:additionalTensors:shouldStop:)`` (or
    /// a Hugging Face Llama directory with our tokenizer), checking every size against its
    /// limit, the configuration against the weights' shapes, and the stored digests.
    /// The files are read through one handle on the directory, so a save that replaces it
    /// meanwhile cannot mix two checkpoints.
    /// - Throws: ``ModelError/invalidCheckpoint(_:)`` naming the missing file, the bad field,
    ///   the mismatched digest, or the missing, unexpected and mis-shaped tensors;
    ///   ``ModelError/outOfMemory(_:)`` when the weights would not fit.
    public static func load(from directory: URL) throws -> LoadedCheckpoint {
        let reader = try CheckpointReader(directory: DirectoryCommit(target: directory, files: Set(files)).readableDirectory())
        let path = directory.path
        let configData = try reader.read(configurationFile, limit: maximumTextFileBytes)
        let configuration = try CheckpointConfiguration.parse(configData, path: "\(path)/\(configurationFile)")
        let tokenizerData = try reader.read(tokenizerFile, limit: maximumTextFileBytes)
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(jsonData: tokenizerData)
        } catch {
            throw ModelError.invalidCheckpoint("\(path)/\(tokenizerFile): \(error)")
        }
        guard tokenizer.count == configuration.vocabularySize else {
            throw ModelError.invalidCheckpoint(
                "\(path)/\(tokenizerFile) has \(tokenizer.count) tokens but config.json says vocab_size \(configuration.vocabularySize)")
        }
        // The file's bytes and the tensors decoded from them are held at once.
        let weightsSize = try reader.size(of: weightsFile)
        try LlamaModel.checkMemory(2 * weightsSize, for: "loading \(path)/\(weightsFile) (\(HostMemory.format(weightsSize)))")
        let file: SafeTensorsFile
        do {
            file = try SafeTensors.decode(try reader.read(weightsFile, limit: Int.max))
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError.invalidCheckpoint("\(path)/\(weightsFile): \(error)")
        }
        if let stored = CheckpointDigests(metadata: file.metadata) {
            let found = CheckpointDigests(tensors: file.tensors, configuration: configData, tokenizer: tokenizerData)
            if let part = stored.firstMismatch(with: found) {
                throw ModelError.invalidCheckpoint(
                    "\(path): the SHA-256 of \(part) differs from the one stored when it was saved; the file is damaged "
                        + "or comes from another save")
            }
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
        do {
            let model = try LlamaModel(configuration: configuration, tensors: modelTensors)
            return LoadedCheckpoint(model: model, tokenizer: tokenizer, additionalTensors: additional)
        } catch ModelError.invalidCheckpoint(let problems) {
            throw ModelError.invalidCheckpoint("\(path): \(configurationFile) does not match \(weightsFile): \(problems)")
        }
    }
}

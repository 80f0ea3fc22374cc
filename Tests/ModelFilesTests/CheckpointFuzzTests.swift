import Support
import Datasets
import Foundation
@testable import ModelFiles
import Models
import TensorCore
import Testing

/// Loads thousands of crafted checkpoints: config.json, tokenizer.json and model.safetensors
/// mutated at random (values swapped for absurd ones, bytes flipped, files cut short, headers
/// rewritten). Every load must end in a model or an error; a crash fails the run.
///
/// `LATENT_FUZZ_COUNT` sets how many (default 300); `LATENT_FUZZ_SEED` the first seed.
@Suite struct CheckpointFuzzTests {
    static var count: Int { Int(ProcessInfo.processInfo.environment["LATENT_FUZZ_COUNT"] ?? "") ?? 300 }
    static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["LATENT_FUZZ_SEED"] ?? "") ?? 1 }

    /// Values that break sizes: zero, negatives, powers of two around the limits and Int's
    /// edges, fractions, huge doubles, and values of the wrong type.
    nonisolated(unsafe) static let absurdValues: [Any] = [
        0, -1, 1, 2, 3, 7, 1 << 16, (1 << 16) + 1, 1 << 20, (1 << 20) + 1, 1 << 21, 1 << 31, 1 << 32, 1 << 33, 1 << 40,
        1 << 62, Int.max, Int.min, 2.5, 1e15, 1e300, -1e300, "16", "", NSNull(), [Any](), [String: Any](), true, [1, 2],
    ]

    struct Corpus {
        let config: Data
        let tokenizer: Data
        let weights: Data
        /// The same weights without the digests, so that mutated files also reach the checks
        /// after the digest comparison (configuration against shapes, the model's own).
        let weightsWithoutDigests: Data
    }

    static func corpus() throws -> Corpus {
        let tokenizer = try Fixtures.tokenizer()
        let c = LlamaConfiguration(vocabularySize: tokenizer.count, dimension: 8, layers: 2, heads: 2, mlpHiddenSize: 8,
                                   maximumLength: 16, bosTokenID: tokenizer.bosID, eosTokenID: tokenizer.eosID,
                                   padTokenID: tokenizer.padID)
        let dir = temporaryDirectory("latent-fuzz-corpus")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Checkpoint.save(try LlamaModel(configuration: c, seed: 4), tokenizer: tokenizer, to: dir,
                            additionalTensors: ["latent.filter.weight": Tensor(repeating: 1, shape: [8, 8])])
        func read(_ name: String) throws -> Data { try Data(contentsOf: dir.appendingPathComponent(name)) }
        let weights = try read(Checkpoint.weightsFile)
        return Corpus(config: try read(Checkpoint.configurationFile), tokenizer: try read(Checkpoint.tokenizerFile),
                      weights: weights,
                      weightsWithoutDigests: SafeTensors.encode(try SafeTensors.decode(weights).tensors, metadata: ["format": "pt"]))
    }

    @Test func craftedCheckpointsNeverCrashTheLoader() throws {
        let corpus = try Self.corpus()
        let dir = temporaryDirectory("latent-fuzz")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var loaded = 0, refused = 0
        for round in 0..<Self.count {
            var rng = SplitMix64(seed: Self.seed &+ UInt64(round))
            var files = [corpus.config, corpus.tokenizer, round % 2 == 0 ? corpus.weights : corpus.weightsWithoutDigests]
            // One to three mutations, each of one file.
            for _ in 0...Int.random(in: 0...2, using: &rng) {
                let target = Int.random(in: 0...2, using: &rng)
                files[target] = Self.mutate(files[target], file: target, rng: &rng)
            }
            for (name, data) in zip([Checkpoint.configurationFile, Checkpoint.tokenizerFile, Checkpoint.weightsFile], files) {
                try data.write(to: dir.appendingPathComponent(name))
            }
            do {
                _ = try Checkpoint.load(from: dir)
                loaded += 1
            } catch {
                refused += 1
                #expect(!"\(error)".isEmpty)
            }
        }
        #expect(loaded + refused == Self.count)
        print("checkpoint fuzz: \(Self.count) crafted checkpoints from seed \(Self.seed): \(loaded) loaded, \(refused) refused, no crash")
    }

    static func mutate(_ data: Data, file: Int, rng: inout SplitMix64) -> Data {
        switch Int.random(in: 0...9, using: &rng) {
        case 0...3:
            return file == 2 ? mutateSafeTensorsHeader(data, rng: &rng) : mutateJSON(data, rng: &rng)
        case 4, 5:
            var bytes = data
            for _ in 0...Int.random(in: 0...8, using: &rng) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            return bytes
        case 6:
            return data.prefix(Int.random(in: 0...data.count, using: &rng))
        case 7:
            // The 8-byte length of a safetensors header, or a JSON file's first bytes.
            var bytes = data
            let value = [UInt64.max, UInt64(Int.max), 1 << 62, UInt64(data.count), 0, 7][Int.random(in: 0...5, using: &rng)]
            withUnsafeBytes(of: value.littleEndian) { raw in
                for k in 0..<min(8, bytes.count) { bytes[k] = raw[k] }
            }
            return bytes
        case 8:
            return data + Data((0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        default:
            return Data()
        }
    }

    /// A JSON document with one value somewhere in it replaced by an absurd one, or a key removed.
    static func mutateJSON(_ data: Data, rng: inout SplitMix64) -> Data {
        guard let root = try? JSONSerialization.jsonObject(with: data) else { return data }
        let changed = mutateValue(root, depth: 0, rng: &rng)
        guard JSONSerialization.isValidJSONObject(changed) else { return data }
        return (try? JSONSerialization.data(withJSONObject: changed)) ?? data
    }

    static func mutateValue(_ value: Any, depth: Int, rng: inout SplitMix64) -> Any {
        if var object = value as? [String: Any], !object.isEmpty {
            let key = object.keys.sorted()[Int.random(in: 0..<object.count, using: &rng)]
            if Int.random(in: 0...9, using: &rng) == 0 {
                object.removeValue(forKey: key)
            } else if Int.random(in: 0...2, using: &rng) == 0 || depth > 3 {
                object[key] = absurdValues[Int.random(in: 0..<absurdValues.count, using: &rng)]
            } else {
                object[key] = mutateValue(object[key]!, depth: depth + 1, rng: &rng)
            }
            return object
        }
        if var array = value as? [Any], !array.isEmpty {
            let k = Int.random(in: 0..<array.count, using: &rng)
            switch Int.random(in: 0...3, using: &rng) {
            case 0: array.remove(at: k)
            case 1: array.append(array[k])
            default: array[k] = depth > 3 ? absurdValues[Int.random(in: 0..<absurdValues.count, using: &rng)]
                                          : mutateValue(array[k], depth: depth + 1, rng: &rng)
            }
            return array
        }
        return absurdValues[Int.random(in: 0..<absurdValues.count, using: &rng)]
    }

    /// A safetensors file whose header JSON is mutated and written back with a correct length.
    static func mutateSafeTensorsHeader(_ data: Data, rng: inout SplitMix64) -> Data {
        guard data.count >= 8 else { return data }
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard length >= 0, length <= data.count - 8 else { return data }
        let header = data.subdata(in: 8..<(8 + length))
        var mutated = Array(mutateJSON(header, rng: &rng))
        while mutated.count % 8 != 0 { mutated.append(0x20) }
        var out = Data()
        withUnsafeBytes(of: UInt64(mutated.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: mutated)
        out.append(data.subdata(in: (8 + length)..<data.count))
        return out
    }
}

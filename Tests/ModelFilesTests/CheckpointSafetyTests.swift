import Datasets
import Foundation
@testable import ModelFiles
import Models
import TensorCore
import Testing

/// Saving as a whole, settling what a killed save left, digests, and limits on config.json.
@Suite struct CheckpointSafetyTests {
    func model(seed: UInt64, dimension: Int = 16, ropeTheta: Double = 10_000) throws -> (LlamaModel, Tokenizer) {
        let tokenizer = try Fixtures.tokenizer()
        let c = LlamaConfiguration(vocabularySize: tokenizer.count, dimension: dimension, layers: 1, heads: 2,
                                   ropeTheta: ropeTheta, maximumLength: 32, bosTokenID: tokenizer.bosID,
                                   eosTokenID: tokenizer.eosID, padTokenID: tokenizer.padID)
        return (try LlamaModel(configuration: c, seed: seed), tokenizer)
    }

    /// A scratch folder with the target `m` in it (not saved yet), a model 16 wide (`small`),
    /// one 32 wide (`wide`) and their tokenizer. The caller removes `root`.
    func scene(_ name: String) throws -> (root: URL, dir: URL, small: LlamaModel, wide: LlamaModel, tokenizer: Tokenizer) {
        let root = temporaryDirectory(name)
        let (small, tokenizer) = try model(seed: 1)
        let (wide, _) = try model(seed: 2, dimension: 32)
        return (root, root.appendingPathComponent("m"), small, wide, tokenizer)
    }

    func parameters(_ directory: URL) throws -> Int {
        try Checkpoint.load(from: directory).model.parameterCount
    }

    func entries(_ directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    /// A process id that belonged to a process which has exited.
    func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    func expectRefusal(_ directory: URL, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try Checkpoint.load(from: directory)
            Issue.record("loading succeeded; expected \(fragments)", sourceLocation: sourceLocation)
        } catch {
            for fragment in fragments {
                #expect("\(error)".contains(fragment), "\(error)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func aSaveReplacesTheDirectoryAndKeepsTheUsersOtherFiles() throws {
        let (root, dir, small, wide, tokenizer) = try scene("latent-save")
        defer { try? FileManager.default.removeItem(at: root) }
        try Checkpoint.save(small, tokenizer: tokenizer, to: dir)
        try Data("mine".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        try Checkpoint.save(wide, tokenizer: tokenizer, to: dir)
        #expect(try parameters(dir) == wide.parameterCount)
        #expect(entries(dir) == ["config.json", "model.safetensors", "notes.txt", "tokenizer.json"])
        #expect(try String(contentsOf: dir.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
        #expect(entries(root) == ["m"], "a save left something beside the checkpoint")
    }

    @Test func anAbandonedSaveLeavesTheOldCheckpointAndNothingElse() throws {
        let (root, dir, small, wide, tokenizer) = try scene("latent-abandon")
        defer { try? FileManager.default.removeItem(at: root) }
        try Checkpoint.save(small, tokenizer: tokenizer, to: dir)
        var asked = 0
        #expect(throws: ModelError.interrupted) {
            try Checkpoint.save(wide, tokenizer: tokenizer, to: dir) {
                asked += 1
                return asked > 3  // after the weights are written into the new directory
            }
        }
        #expect(try parameters(dir) == small.parameterCount)
        #expect(entries(root) == ["m"])
        // Writing into a file's place fails with the path named, and leaves nothing.
        let file = root.appendingPathComponent("file")
        try Data().write(to: file)
        #expect(throws: CheckpointWriteError.self) { try Checkpoint.save(small, tokenizer: tokenizer, to: file) }
        #expect(entries(root) == ["file", "m"])
    }

    @Test func aSaveKilledBetweenTheTwoRenamesLoadsTheOldCheckpointAndTheNextSaveSettlesIt() throws {
        // Where the file system cannot exchange two directories, the old one is moved aside
        // first; a kill between the two renames leaves no target, the old one aside and the
        // new one complete under its temporary name.
        let (root, dir, old, new, tokenizer) = try scene("latent-aside")
        defer { try? FileManager.default.removeItem(at: root) }
        let (next, _) = try model(seed: 3, dimension: 24)
        let pid = try deadPID()
        let aside = root.appendingPathComponent(".m.old-\(pid)-1")
        let staging = root.appendingPathComponent(".m.saving-\(pid)-2")
        try Checkpoint.save(old, tokenizer: tokenizer, to: aside)
        try Checkpoint.save(new, tokenizer: tokenizer, to: staging)
        #expect(try parameters(dir) == old.parameterCount, "a reader finds the old checkpoint aside")
        try Checkpoint.save(next, tokenizer: tokenizer, to: dir)
        #expect(try parameters(dir) == next.parameterCount)
        #expect(entries(root) == ["m"])
    }

    @Test func aSaveKilledAfterTheExchangeGivesItsOtherFilesToTheNextSave() throws {
        // After the exchange the old directory (with the user's other files) sits under the
        // temporary name until they are moved over; a kill there must not lose them.
        let (root, dir, old, new, tokenizer) = try scene("latent-exchanged")
        defer { try? FileManager.default.removeItem(at: root) }
        let staging = root.appendingPathComponent(".m.saving-\(try deadPID())-7")
        try Checkpoint.save(new, tokenizer: tokenizer, to: dir)
        try Checkpoint.save(old, tokenizer: tokenizer, to: staging)
        try Data("mine".utf8).write(to: staging.appendingPathComponent("notes.txt"))
        #expect(try parameters(dir) == new.parameterCount)
        try Checkpoint.save(new, tokenizer: tokenizer, to: dir)
        #expect(entries(dir).contains("notes.txt"))
        #expect(entries(root) == ["m"])
    }

    @Test func theLeftoversOfASaveStillRunningAreLeftAlone() throws {
        let (root, dir, small, _, tokenizer) = try scene("latent-live")
        defer { try? FileManager.default.removeItem(at: root) }
        let live = root.appendingPathComponent(".m.saving-1-5")  // pid 1 is always alive
        try FileManager.default.createDirectory(at: live, withIntermediateDirectories: true)
        try Checkpoint.save(small, tokenizer: tokenizer, to: dir)
        #expect(entries(root) == [".m.saving-1-5", "m"])
    }

    @Test func digestsCatchDamageAndFilesOfAnotherSave() throws {
        let root = temporaryDirectory("latent-digest")
        defer { try? FileManager.default.removeItem(at: root) }
        let (a, tokenizer) = try model(seed: 1)
        let (b, _) = try model(seed: 2, ropeTheta: 500_000)
        let dirA = root.appendingPathComponent("a"), dirB = root.appendingPathComponent("b")
        try Checkpoint.save(a, tokenizer: tokenizer, to: dirA)
        try Checkpoint.save(b, tokenizer: tokenizer, to: dirB)
        let config = dirA.appendingPathComponent(Checkpoint.configurationFile)
        let original = try Data(contentsOf: config)

        // Weights of one save beside the config of another: the shapes match, the digest does not.
        try FileManager.default.removeItem(at: config)
        try FileManager.default.copyItem(at: dirB.appendingPathComponent(Checkpoint.configurationFile), to: config)
        expectRefusal(dirA, ["SHA-256 of config.json"])

        // One float of the weights changed, the file still well-formed.
        try original.write(to: config)
        let weights = dirA.appendingPathComponent(Checkpoint.weightsFile)
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: weights)
        expectRefusal(dirA, ["SHA-256 of the tensors"])

        // A checkpoint without digests (an older save, a Hugging Face directory) still loads.
        let file = try SafeTensors.decode(try Data(contentsOf: dirB.appendingPathComponent(Checkpoint.weightsFile)))
        try SafeTensors.write(file.tensors, metadata: ["format": "pt"], to: dirB.appendingPathComponent(Checkpoint.weightsFile))
        #expect(try parameters(dirB) == b.parameterCount)
    }

    /// Rewrites config.json with `change` applied to its JSON object.
    func editConfig(_ directory: URL, _ change: (inout [String: Any]) -> Void) throws {
        let url = directory.appendingPathComponent(Checkpoint.configurationFile)
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    @Test func absurdSizesInConfigJsonAreRefusedByNameBeforeAnythingIsAllocated() throws {
        let root = temporaryDirectory("latent-config")
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("m")
        let (small, tokenizer) = try model(seed: 1)
        try Checkpoint.save(small, tokenizer: tokenizer, to: dir)
        let saved = try Data(contentsOf: dir.appendingPathComponent(Checkpoint.configurationFile))
        func restore() throws { try saved.write(to: dir.appendingPathComponent(Checkpoint.configurationFile)) }

        // Our section: each size above its limit is named by its key.
        for (key, value, limit) in [("maximumLength", 1 << 62, 1 << 20), ("layers", 1 << 40, 1024),
                                    ("dimension", 1 << 33, 1 << 16), ("vocabularySize", Int.max, 1 << 21)] {
            try restore()
            try editConfig(dir) { object in
                var latent = object["latent"] as! [String: Any]
                latent[key] = value
                object["latent"] = latent
                object.removeValue(forKey: "max_position_embeddings")
                object.removeValue(forKey: "num_hidden_layers")
                object.removeValue(forKey: "hidden_size")
                object.removeValue(forKey: "vocab_size")
            }
            expectRefusal(dir, ["latent.\(key) is \(value), above the limit of \(limit)"])
        }
        // The Hugging Face fields must agree with our section.
        try restore()
        try editConfig(dir) { $0["hidden_size"] = 1 << 33 }
        expectRefusal(dir, ["\"hidden_size\" is 8589934592 but the \"latent\" section says dimension 16"])
        // Without our section, the Hugging Face names are used.
        try restore()
        try editConfig(dir) { object in
            object.removeValue(forKey: "latent")
            object["max_position_embeddings"] = 1 << 62
        }
        expectRefusal(dir, ["max_position_embeddings is 4611686018427387904, above the limit of 1048576"])
    }
}

// The output directory of `latent reproduce`: its configuration (config.json), which stages
// have finished (DIR/<stage>/done.json, written only after the stage's script succeeded) and the
// commands that worked on it (commands.txt). A stage with a done.json is never run or written
// again, so a run killed at any point resumes after its last finished stage.

import Foundation

/// A refusal or failure of `latent reproduce`, said in one message.
struct ReproduceError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What a finished stage leaves in DIR/<stage>/done.json.
struct StageRecord: Codable, Equatable {
    var stage: String
    var seconds: Double
    /// ISO 8601, UTC.
    var finished: String
}

struct ReproduceDirectory {
    /// Absolute, without a trailing slash.
    let path: String

    init(_ path: String) {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        self.path = URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    var configPath: String { path + "/config.json" }

    func file(_ name: String) -> String { path + "/" + name }

    /// Creates the directory and stores `config`, or checks that the stored one is the same.
    /// Refuses a directory that holds other files but no configuration: it is not a run's.
    func open(for config: ReproduceConfig) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ReproduceError("\(path) is a file, not a directory: pass another --out") }
            if let data = fm.contents(atPath: configPath) {
                let stored: ReproduceConfig
                do {
                    stored = try JSONDecoder().decode(ReproduceConfig.self, from: data)
                } catch {
                    throw ReproduceError("\(configPath) is not a configuration this version of latent reads (\(error)); "
                        + "pass another --out, or remove \(path) to start again")
                }
                guard stored == config else {
                    throw ReproduceError(
                        "\(path) holds a run with another configuration, and a resumed run must not mix two:\n  "
                        + stored.differences(from: config).joined(separator: "\n  ")
                        + "\nRun the command that started it again to resume it, pass another --out for the new configuration, "
                        + "or remove \(path) to start again.")
                }
                return
            }
            let contents = (try? fm.contentsOfDirectory(atPath: path)) ?? []
            guard contents.isEmpty else {
                throw ReproduceError("\(path) is not empty and holds no config.json of a `latent reproduce` run: "
                    + "pass another --out (its files are left alone)")
            }
        }
        do {
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            try config.encoded().write(to: URL(fileURLWithPath: configPath), options: .atomic)
        } catch {
            throw ReproduceError("cannot create \(path): \(error.localizedDescription)")
        }
    }

    /// The record of a finished stage, or nil when it has not finished.
    func finished(_ stage: String) -> StageRecord? {
        guard let data = FileManager.default.contents(atPath: file(stage + "/done.json")) else { return nil }
        return try? JSONDecoder().decode(StageRecord.self, from: data)
    }

    /// Marks `stage` finished; written last, atomically.
    func markFinished(_ stage: String, seconds: Double) throws {
        let record = StageRecord(stage: stage, seconds: seconds, finished: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try FileManager.default.createDirectory(atPath: file(stage), withIntermediateDirectories: true)
        try encoder.encode(record).write(to: URL(fileURLWithPath: file(stage + "/done.json")), options: .atomic)
    }

    /// Writes a stage's script, unless the stage has finished (its script is then left as it ran).
    func writeScript(_ stage: ReproduceStage) throws {
        guard finished(stage.name) == nil else { return }
        try FileManager.default.createDirectory(atPath: file(stage.name), withIntermediateDirectories: true)
        try Data(stage.script.utf8).write(to: URL(fileURLWithPath: file(stage.name + ".lat")), options: .atomic)
    }

    /// Appends the command line to commands.txt, with the time.
    func logCommand(_ arguments: [String]) {
        let line = ISO8601DateFormatter().string(from: Date()) + "  " + arguments.map(ReportText.shellQuoted).joined(separator: " ") + "\n"
        let url = URL(fileURLWithPath: file("commands.txt"))
        if let handle = try? FileHandle(forWritingTo: url) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        } else {
            try? Data(line.utf8).write(to: url)
        }
    }

    /// The commands that worked on this directory, oldest first.
    var commands: [String] {
        (try? String(contentsOfFile: file("commands.txt"), encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
    }

    /// A JSON file a stage wrote, or nil.
    func json(_ name: String) -> Any? {
        guard let data = FileManager.default.contents(atPath: file(name)) else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }

    /// An SVG a stage wrote, or nil.
    func svg(_ name: String) -> String? {
        try? String(contentsOfFile: file(name), encoding: .utf8)
    }
}

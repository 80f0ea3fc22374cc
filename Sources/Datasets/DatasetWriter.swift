import Foundation
import Support

extension Dataset {
    /// Writes the dataset as JSON Lines: one `{"question": …, "steps": [...], "answer": …}`
    /// object per line, keys in that order, UTF-8, LF line ends. The write is atomic: the data
    /// goes to a temporary file that is then renamed over `path`, so readers never see half a
    /// file. ``load(path:format:strict:)`` reads the result back unchanged.
    /// - Throws: ``DatasetError/writeFailed(path:reason:)``.
    public func save(to path: String) throws {
        var output = ""
        for example in examples {
            output += "{\"question\": " + JSONValue.string(example.question).text
            output += ", \"steps\": [" + example.steps.map { JSONValue.string($0).text }.joined(separator: ", ") + "]"
            output += ", \"answer\": " + JSONValue.string(example.answer).text + "}\n"
        }
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        let folder = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError.writeFailed(path: path, reason: "the folder \(folder) does not exist")
        }
        do {
            try Data(output.utf8).write(to: url, options: .atomic)
        } catch {
            throw DatasetError.writeFailed(path: path, reason: error.localizedDescription)
        }
    }
}

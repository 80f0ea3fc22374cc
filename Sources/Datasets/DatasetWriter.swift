import Foundation

extension Dataset {
    /// Writes the dataset as JSON Lines: one `{"question": …, "steps": [...], "answer": …}`
    /// object per line, keys in that order, UTF-8, LF line ends. The write is atomic: the data
    /// goes to a temporary file that is then renamed over `path`, so readers never see half a
    /// file. ``load(path:format:strict:)`` reads the result back unchanged.
    /// - Throws: ``DatasetError/writeFailed(path:reason:)``.
    public func save(to path: String) throws {
        var output = ""
        for example in examples {
            output += "{\"question\": " + Self.jsonString(example.question)
            output += ", \"steps\": [" + example.steps.map(Self.jsonString).joined(separator: ", ") + "]"
            output += ", \"answer\": " + Self.jsonString(example.answer) + "}\n"
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

    /// A JSON string literal: quotes, backslashes and control characters escaped, everything
    /// else written as UTF-8.
    static func jsonString(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}

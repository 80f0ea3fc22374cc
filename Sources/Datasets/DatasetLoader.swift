import Foundation
import HostMemory
import Support

/// The file formats ``Dataset/load(path:format:strict:)`` reads.
public enum DataFormat: String, Sendable, CaseIterable {
    /// GSM8K-Aug JSON: one array of objects.
    case json
    /// JSON Lines: one object per line.
    case jsonLines
    /// The implicit-CoT text form: `question||cot #### answer`, one example per line.
    case implicitCoT
}

/// Something the loader noticed but did not refuse the file for.
public struct LoadWarning: Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line of the problem (for JSON arrays: where the element starts); nil for a
    /// note about the whole file.
    public var line: Int?
    /// What was wrong.
    public var message: String
    /// True when the line was skipped (no example was taken from it).
    public var skipped: Bool

    public var description: String {
        let place = line.map { "line \($0): " } ?? ""
        return place + message + (skipped ? " — line skipped" : "")
    }
}

/// A loaded dataset with the format it was read as and the warnings of the reading.
public struct LoadedDataset: Sendable {
    public var dataset: Dataset
    public var format: DataFormat
    public var warnings: [LoadWarning]
}

extension Dataset {
    /// Loads GSM8K-Aug JSON, JSON Lines or implicit-CoT text.
    ///
    /// The format is `format` when given, else detected from the content — `[` starts a JSON
    /// array, `{` JSON Lines, a first line holding `||` the text form — with the extension
    /// (`.json`, `.jsonl`/`.ndjson`, `.txt`) breaking ties; when extension and content disagree
    /// the content wins and a warning says so. Malformed lines are skipped and reported in
    /// `warnings` with their line numbers; the file is refused when it has no valid example or,
    /// with `strict`, when any line is malformed.
    /// - Parameter shouldStop: asked every ``stopCheckInterval`` lines; true ends the load with
    ///   ``DatasetError/interrupted``.
    /// - Throws: ``DatasetError`` when the file is missing, is not UTF-8, has an unknown format,
    ///   is refused, would not fit in memory (``DatasetError/tooLarge(path:reason:)``) or the
    ///   load was interrupted.
    public static func load(
        path: String, format: DataFormat? = nil, strict: Bool = false, shouldStop: () -> Bool = { false }
    ) throws -> LoadedDataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError.fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else { throw DatasetError.unreadable(path: path, reason: "it is a directory") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        do {
            try HostMemory.check(size.multipliedReportingOverflow(by: memoryPerFileByte).overflow ? Int.max : size * memoryPerFileByte,
                                 for: "a dataset read from a \(HostMemory.format(size)) file")
        } catch {
            throw DatasetError.tooLarge(path: path, reason: error.description)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DatasetError.unreadable(path: path, reason: error.localizedDescription)
        }
        if let offset = firstInvalidUTF8Byte(data) { throw DatasetError.notUTF8(path: path, byteOffset: offset) }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }

        var notes: [LoadWarning] = []
        let chosen: DataFormat
        if let format {
            chosen = format
        } else {
            let byExtension = formatFromExtension(path)
            guard let byContent = formatFromContent(text) ?? byExtension else {
                throw DatasetError.unknownFormat(
                    path: path, reason: text.allSatisfy(\.isWhitespace)
                        ? "the file is empty" : "the content starts with neither '[', '{' nor a line holding '||'")
            }
            if let byExtension, byExtension != byContent {
                notes.append(LoadWarning(
                    line: nil, message: "the extension suggests \(byExtension.rawValue) but the content is \(byContent.rawValue); read as \(byContent.rawValue)",
                    skipped: false))
            }
            chosen = byContent
        }
        var loaded = try parse(text, format: chosen, source: path, strict: strict, shouldStop: shouldStop)
        loaded.warnings = notes + loaded.warnings
        return loaded
    }

    /// How many bytes of memory a loaded dataset takes per byte of its file, at most: the file,
    /// its text, the parsed records and the examples' strings are alive at once.
    static let memoryPerFileByte = 6

    /// How often (in lines or records) a load asks `shouldStop`.
    public static let stopCheckInterval = 1000

    /// Parses dataset text in a known format (see ``load(path:format:strict:shouldStop:)``);
    /// `source` names the data in messages.
    public static func parse(
        _ text: String, format: DataFormat, source: String = "<text>", strict: Bool = false,
        shouldStop: () -> Bool = { false }
    ) throws -> LoadedDataset {
        var examples: [Example] = []
        var warnings: [LoadWarning] = []
        var taken = 0
        func take(line: Int, _ parse: () throws(StepSplitter.Problem) -> Example) throws {
            taken += 1
            if taken % stopCheckInterval == 0, shouldStop() { throw DatasetError.interrupted }
            do {
                examples.append(try parse())
            } catch {
                if strict {
                    throw DatasetError.refused(path: source, line: line, reason: error.message + " (strict mode refuses a file with any malformed line)")
                }
                warnings.append(LoadWarning(line: line, message: error.message, skipped: true))
            }
        }
        switch format {
        case .json:
            let elements: [(line: Int, bytes: ArraySlice<UInt8>)]
            do {
                elements = try JSONRecords.arrayElements(Array(text.utf8))
            } catch {
                throw DatasetError.refused(path: source, line: error.line, reason: error.message)
            }
            for element in elements {
                try take(line: element.line) { () throws(StepSplitter.Problem) in
                    try JSONRecords.example(from: JSONValue.parse(element.bytes))
                }
            }
        case .jsonLines:
            for (number, line) in lines(of: text) where !line.allSatisfy(\.isWhitespace) {
                try take(line: number) { () throws(StepSplitter.Problem) in
                    try JSONRecords.example(from: JSONValue.parse(line.utf8))
                }
            }
        case .implicitCoT:
            for (number, line) in lines(of: text) where !line.allSatisfy(\.isWhitespace) {
                try take(line: number) { () throws(StepSplitter.Problem) in try ImplicitCoTLine.example(from: line) }
            }
        }
        guard !examples.isEmpty else {
            let detail = warnings.first.map { "; \(warnings.count) malformed line(s) skipped, the first: \($0)" } ?? ""
            throw DatasetError.refused(path: source, line: warnings.first?.line, reason: "no valid examples\(detail)")
        }
        return LoadedDataset(dataset: Dataset(examples, source: source), format: format, warnings: warnings)
    }

    /// 1-based numbered lines; `\r` before `\n` is dropped.
    static func lines(of text: String) -> [(Int, Substring)] {
        text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated().map { index, bytes in
            var line = Substring(bytes)
            if line.utf8.last == 0x0D { line = Substring(line.utf8.dropLast()) }
            return (index + 1, line)
        }
    }

    static func formatFromExtension(_ path: String) -> DataFormat? {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "json": .json
        case "jsonl", "ndjson": .jsonLines
        case "txt": .implicitCoT
        default: nil
        }
    }

    static func formatFromContent(_ text: String) -> DataFormat? {
        guard let first = text.first(where: { !$0.isWhitespace }) else { return nil }
        if first == "[" { return .json }
        if first == "{" { return .jsonLines }
        let firstLine = lines(of: text).first { !$0.1.allSatisfy(\.isWhitespace) }?.1 ?? ""
        return firstLine.contains("||") ? .implicitCoT : nil
    }

    /// The offset of the first byte that is not valid UTF-8, or nil.
    static func firstInvalidUTF8Byte(_ data: Data) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = data.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}

/// One line of the implicit-CoT text form.
enum ImplicitCoTLine {
    /// Splits on the first `||` and on the ` #### ` after it; the steps come from
    /// ``StepSplitter``.
    static func example(from line: Substring) throws(StepSplitter.Problem) -> Example {
        guard let bar = line.range(of: "||") else {
            throw StepSplitter.Problem(message: "no '||' between the question and the chain of thought (expected `question||cot #### answer`)")
        }
        let question = String(line[..<bar.lowerBound])
        var rest = line[bar.upperBound...]
        if rest.hasPrefix("#### ") { rest = " " + rest }  // an empty cot written without its space
        let parts = rest.components(separatedBy: " #### ")
        guard parts.count >= 2 else {
            throw StepSplitter.Problem(message: "no ' #### ' before the answer (expected `question||cot #### answer`)")
        }
        guard parts.count == 2 else {
            throw StepSplitter.Problem(message: "more than one ' #### ' after the '||'")
        }
        guard !question.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StepSplitter.Problem(message: "empty question before '||'")
        }
        let answer = parts[1].trimmingCharacters(in: .whitespaces)
        guard !answer.isEmpty else { throw StepSplitter.Problem(message: "empty answer after ' #### '") }
        return Example(question: question, steps: try StepSplitter.steps(fromCoT: parts[0], question: question), answer: answer)
    }
}

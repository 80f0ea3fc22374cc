import Foundation

/// A parsed JSON value (numbers keep integers exact).
enum JSONValue: Decodable, Sendable {
    case null, bool(Bool), integer(Int), number(Double), string(String)
    case array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// A short name of the value's kind, for messages.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }

    /// Strings as they are, numbers in their shortest exact form (`3`, `2.5`).
    var textOrNumber: String? {
        switch self {
        case let .string(text): return text
        case let .integer(value): return String(value)
        case let .number(value):
            if value == value.rounded(), abs(value) < 9e15 { return String(Int(value)) }
            return "\(value)"
        default: return nil
        }
    }

    /// Parses one JSON value from UTF-8 bytes.
    static func parse(_ bytes: some Collection<UInt8>) throws(StepSplitter.Problem) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw StepSplitter.Problem(message: "not valid JSON (\(JSONValue.describe(error)))")
        }
    }

    private static func describe(_ error: Error) -> String {
        if case let DecodingError.dataCorrupted(context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return error.localizedDescription
    }
}

/// Turns GSM8K-Aug JSON records into examples.
enum JSONRecords {
    /// The example of one record: `question` (string), `steps` (a list) or `cot` (a string of
    /// equations, or prose), `answer` (string or number). Other fields are ignored.
    static func example(from value: JSONValue) throws(StepSplitter.Problem) -> Example {
        guard case let .object(fields) = value else {
            throw StepSplitter.Problem(message: "expected an object with question, steps or cot, and answer; found \(value.kind)")
        }
        guard let questionValue = fields["question"] else {
            throw StepSplitter.Problem(message: "missing \"question\"")
        }
        guard case let .string(question) = questionValue,
              !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw StepSplitter.Problem(message: "\"question\" must be a non-empty string, found \(questionValue.kind)")
        }
        guard let answerValue = fields["answer"] else {
            throw StepSplitter.Problem(message: "missing \"answer\"")
        }
        guard let answer = answerValue.textOrNumber?.trimmingCharacters(in: .whitespaces), !answer.isEmpty else {
            throw StepSplitter.Problem(message: "\"answer\" must be a non-empty string or a number, found \(answerValue.kind)")
        }
        let steps: [String]
        if let stepsValue = fields["steps"], stepsValue.kindIsPresent {
            guard case let .array(items) = stepsValue else {
                throw StepSplitter.Problem(message: "\"steps\" must be a list of strings, found \(stepsValue.kind)")
            }
            var collected: [String] = []
            for (position, item) in items.enumerated() {
                guard let text = item.textOrNumber else {
                    throw StepSplitter.Problem(message: "\"steps\" item \(position + 1) must be a string, found \(item.kind)")
                }
                collected.append(text)
            }
            steps = collected
        } else if let cotValue = fields["cot"], cotValue.kindIsPresent {
            guard case let .string(cot) = cotValue else {
                throw StepSplitter.Problem(message: "\"cot\" must be a string, found \(cotValue.kind)")
            }
            steps = try StepSplitter.steps(fromCoT: cot, question: question)
        } else {
            steps = []
        }
        return Example(question: question, steps: steps, answer: answer)
    }

    /// The top-level elements of a JSON array document: each element's bytes and the 1-based
    /// line where it starts. Structural errors (no `[`, an unclosed array or string, text after
    /// the closing `]`) throw with the line where they were found.
    static func arrayElements(_ bytes: [UInt8]) throws(LineProblem) -> [(line: Int, bytes: ArraySlice<UInt8>)] {
        var line = 1
        var i = 0
        func skipWhitespace() {
            while i < bytes.count, [0x20, 0x09, 0x0D, 0x0A].contains(bytes[i]) {
                if bytes[i] == 0x0A { line += 1 }
                i += 1
            }
        }
        skipWhitespace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else {
            throw LineProblem(line: line, message: "a JSON dataset must be an array of objects starting with '['")
        }
        i += 1
        var elements: [(line: Int, bytes: ArraySlice<UInt8>)] = []
        while true {
            skipWhitespace()
            guard i < bytes.count else {
                throw LineProblem(line: line, message: "the array is never closed with ']'")
            }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            let startLine = line, start = i
            var depth = 0, inString = false, escaped = false
            scan: while i < bytes.count {
                let byte = bytes[i]
                if byte == 0x0A { line += 1 }
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                } else {
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        if depth == 0 { break scan }
                        depth -= 1
                    case UInt8(ascii: ","): if depth == 0 { break scan }
                    default: break
                    }
                }
                i += 1
            }
            guard i < bytes.count else {
                if depth == 0, !inString {
                    throw LineProblem(line: line, message: "the array is never closed with ']'")
                }
                throw LineProblem(line: startLine, message: "the element starting here runs to the end of the file (unclosed string, object or array)")
            }
            elements.append((startLine, bytes[start..<i]))
            if bytes[i] == UInt8(ascii: ",") { i += 1 }
        }
        skipWhitespace()
        guard i == bytes.count else {
            throw LineProblem(line: line, message: "unexpected text after the closing ']' of the array")
        }
        return elements
    }
}

/// A problem located on a line.
struct LineProblem: Error { var line: Int; var message: String }

private extension JSONValue {
    /// False for `null`, so `"steps": null` falls through to `cot`.
    var kindIsPresent: Bool { if case .null = self { false } else { true } }
}

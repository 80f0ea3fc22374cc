import Foundation
import Support

extension JSONValue {
    /// The value's kind with its article, for messages ("a string", "an array", "null").
    var described: String {
        if case .null = self { return "null" }
        return (["a", "o"].contains(kind.first.map(String.init)) ? "an " : "a ") + kind
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
            return try JSONValue(parsing: Array(bytes))
        } catch {
            throw StepSplitter.Problem(message: "not valid JSON (\(error))")
        }
    }
}

/// Turns GSM8K-Aug JSON records into examples.
enum JSONRecords {
    /// The example of one record: `question` (string), `steps` (a list) or `cot` (a string of
    /// equations, or prose), `answer` (string or number). Other fields are ignored.
    static func example(from value: JSONValue) throws(StepSplitter.Problem) -> Example {
        guard case let .object(fields) = value else {
            throw StepSplitter.Problem(message: "expected an object with question, steps or cot, and answer; found \(value.described)")
        }
        guard let questionValue = fields["question"] else {
            throw StepSplitter.Problem(message: "missing \"question\"")
        }
        guard case let .string(question) = questionValue,
              !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw StepSplitter.Problem(message: "\"question\" must be a non-empty string, found \(questionValue.described)")
        }
        guard let answerValue = fields["answer"] else {
            throw StepSplitter.Problem(message: "missing \"answer\"")
        }
        guard let answer = answerValue.textOrNumber?.trimmingCharacters(in: .whitespaces), !answer.isEmpty else {
            throw StepSplitter.Problem(message: "\"answer\" must be a non-empty string or a number, found \(answerValue.described)")
        }
        let steps: [String]
        if let stepsValue = fields["steps"], stepsValue.kindIsPresent {
            guard case let .array(items) = stepsValue else {
                throw StepSplitter.Problem(message: "\"steps\" must be a list of strings, found \(stepsValue.described)")
            }
            var collected: [String] = []
            for (position, item) in items.enumerated() {
                guard let text = item.textOrNumber else {
                    throw StepSplitter.Problem(message: "\"steps\" item \(position + 1) must be a string, found \(item.described)")
                }
                collected.append(text)
            }
            steps = collected
        } else if let cotValue = fields["cot"], cotValue.kindIsPresent {
            guard case let .string(cot) = cotValue else {
                throw StepSplitter.Problem(message: "\"cot\" must be a string, found \(cotValue.described)")
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

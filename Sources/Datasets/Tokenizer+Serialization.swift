import Foundation

/// Errors from reading or writing a `tokenizer.json`.
public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The content is not a valid tokenizer description; the message says what is wrong.
    case corrupt(String)
    /// Reading or writing the file failed.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case let .corrupt(reason): "corrupt tokenizer: \(reason)"
        case let .io(path, reason): "tokenizer file \(path): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}

/// The `tokenizer.json` schema:
///
/// ```json
/// {
///   "type": "latent-word-digit",
///   "version": 1,
///   "pre_tokenizer": "<<|>>|\\d|[A-Za-z]+|[^\\sA-Za-z\\d]; …",
///   "number_digits": 3,
///   "reversed_numbers": true,
///   "specials": {"pad": "<pad>", "bos": "<bos>", "eos": "<eos>", "unk": "<unk>",
///                "start": "<START>", "end": "<END>", "continue": "<|CONTINUE|>", "stop": "<|STOP|>"},
///   "vocabulary": ["<pad>", "<bos>", …]
/// }
/// ```
/// A token's id is its position in `vocabulary`. `pre_tokenizer` documents the splitting rule
/// for human readers; the code's rule is the one of ``PreTokenizer``. `number_digits` (written
/// only when above 1; absent in files of earlier builds) is ``Tokenizer/numberDigits``;
/// `reversed_numbers` (written only when true; absent means false) is
/// ``Tokenizer/reversedNumbers``.
struct TokenizerFile: Codable {
    static let type = "latent-word-digit"
    static let version = 1
    static func preTokenizerRule(numberDigits: Int, reversedNumbers: Bool = false) -> String {
        let digits = numberDigits > 1 ? #"\d{1,"# + "\(numberDigits)}" : #"\d"#
        let order = reversedNumbers ? "every run of digits reversed first (least significant digit first); " : ""
        return order + "<<|>>|" + digits + #"|[A-Za-z]+|[^\sA-Za-z\d]; a single space before a letter run belongs to the word, every other whitespace character is its own token; token text concatenates back to the input"#
    }

    var type: String
    var version: Int
    var preTokenizer: String?
    var numberDigits: Int?
    var reversedNumbers: Bool?
    var specials: [String: String]
    var vocabulary: [String]

    enum CodingKeys: String, CodingKey {
        case type, version, preTokenizer = "pre_tokenizer", numberDigits = "number_digits", reversedNumbers = "reversed_numbers", specials, vocabulary
    }

    static let specialRoles: [(role: String, token: String)] = [
        ("pad", Tokenizer.pad), ("bos", Tokenizer.bos), ("eos", Tokenizer.eos), ("unk", Tokenizer.unk),
        ("start", Tokenizer.start), ("end", Tokenizer.end), ("continue", Tokenizer.continue), ("stop", Tokenizer.stop),
    ]
}

extension Tokenizer {
    /// The `tokenizer.json` bytes (pretty-printed, keys sorted).
    public func jsonData() throws -> Data {
        let file = TokenizerFile(
            type: TokenizerFile.type, version: TokenizerFile.version,
            preTokenizer: TokenizerFile.preTokenizerRule(numberDigits: numberDigits, reversedNumbers: reversedNumbers),
            numberDigits: numberDigits > 1 ? numberDigits : nil,
            reversedNumbers: reversedNumbers ? true : nil,
            specials: Dictionary(uniqueKeysWithValues: TokenizerFile.specialRoles.map { ($0.role, $0.token) }),
            vocabulary: vocabulary)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(file)
    }

    /// Reads a tokenizer from `tokenizer.json` bytes.
    /// - Throws: ``TokenizerError/corrupt(_:)`` naming the problem: not JSON, a missing or
    ///   mistyped field, another `type`, an unsupported `version`, specials that differ from this
    ///   tokenizer's, or a vocabulary that fails ``init(vocabulary:)``.
    public init(jsonData: Data) throws {
        let file: TokenizerFile
        do {
            file = try JSONDecoder().decode(TokenizerFile.self, from: jsonData)
        } catch let DecodingError.keyNotFound(key, _) {
            throw TokenizerError.corrupt("missing field \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw TokenizerError.corrupt("field \"\(path)\" has the wrong type: \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw TokenizerError.corrupt("field \"\(path)\" is null")
        } catch {
            throw TokenizerError.corrupt("not valid JSON (\(error.localizedDescription))")
        }
        guard file.type == TokenizerFile.type else {
            throw TokenizerError.corrupt("type is \"\(file.type)\", expected \"\(TokenizerFile.type)\"")
        }
        guard file.version == TokenizerFile.version else {
            throw TokenizerError.corrupt("version \(file.version) is not supported (this build reads version \(TokenizerFile.version))")
        }
        for (role, token) in TokenizerFile.specialRoles where file.specials[role] != token {
            let found = file.specials[role].map { "\"\($0)\"" } ?? "nothing"
            throw TokenizerError.corrupt("special \"\(role)\" must be \"\(token)\", found \(found)")
        }
        try self.init(vocabulary: file.vocabulary, numberDigits: file.numberDigits ?? 1, reversedNumbers: file.reversedNumbers ?? false)
    }

    /// Writes `tokenizer.json` to `path` atomically (a temporary file, then a rename).
    public func save(to path: String) throws {
        do {
            try jsonData().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw TokenizerError.io(path: path, reason: error.localizedDescription)
        }
    }

    /// Reads a tokenizer from a `tokenizer.json` file.
    public static func load(from path: String) throws -> Tokenizer {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? error.localizedDescription : "no such file"
            throw TokenizerError.io(path: path, reason: reason)
        }
        return try Tokenizer(jsonData: data)
    }
}

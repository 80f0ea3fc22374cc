import Foundation

/// The model's word-and-digit tokenizer, shared by Models and Training.
///
/// Text is cut into pieces by ``PreTokenizer`` (words with their leading space, punctuation
/// marks, single digits, `<<`, `>>`, and standalone whitespace) and every piece is looked up in
/// the vocabulary. Decoding concatenates the token strings, so `decode(encode(x)) == x` for any
/// text whose pieces are all in the vocabulary.
///
/// With ``numberDigits`` 3 a number of up to three digits is one token, as in Llama 3's
/// tokenizer (the paper's model): every whole number `0…999` is in the vocabulary, and a piece
/// with a leading zero (`"05"` in `"1005"`) falls back to its single digits.
///
/// With ``reversedNumbers`` every run of digits is read least significant digit first
/// (`"729"` encodes as the tokens `9` `2` `7`) and decoding turns every run back, so the text a
/// user reads and writes is unchanged. Small transformers add and multiply digit by digit far
/// better in that order: each output digit then needs only the carry of the digits already
/// written (Lee et al., "Teaching arithmetic to small transformers", 2023).
///
/// Ids `0…7` are the special tokens, in this order: `<pad>`, `<bos>`, `<eos>`, `<unk>`, and the
/// latent-reasoning protocol tokens `<START>` (begin latent), `<END>` (end latent),
/// `<|CONTINUE|>` (one latent step) and `<|STOP|>` (stop thinking). Special-token strings that
/// appear literally in text are encoded as those tokens.
public struct Tokenizer: Sendable, Equatable {
    /// The padding token.
    public static let pad = "<pad>"
    /// The beginning-of-sequence token.
    public static let bos = "<bos>"
    /// The end-of-sequence token.
    public static let eos = "<eos>"
    /// The unknown-piece token.
    public static let unk = "<unk>"
    /// Begin-of-latent marker, placed after the question.
    public static let start = "<START>"
    /// End-of-latent marker (the input form of a sampled `<|STOP|>`).
    public static let end = "<END>"
    /// One latent step.
    public static let `continue` = "<|CONTINUE|>"
    /// Stop thinking.
    public static let stop = "<|STOP|>"
    /// All special tokens, in id order.
    public static let specialTokens = [pad, bos, eos, unk, start, end, `continue`, stop]

    /// Token strings by id.
    public let vocabulary: [String]
    private let ids: [String: Int]
    /// Ids of tokens of at most 16 UTF-8 bytes, keyed without building a `String` (fast path).
    private let shortIDs: [ShortKey: Int]

    public let padID: Int
    public let bosID: Int
    public let eosID: Int
    public let unkID: Int
    /// `<START>`.
    public let startID: Int
    /// `<END>`.
    public let endID: Int
    /// `<|CONTINUE|>`.
    public let continueID: Int
    /// `<|STOP|>`.
    public let stopID: Int
    /// The standalone space `" "` (the token right before answer digits).
    public let spaceID: Int

    /// The longest run of digits read as one token: 1 (every digit its own token, the default)
    /// up to ``maximumNumberDigits``.
    public let numberDigits: Int
    /// The largest ``numberDigits`` (3: the numbers `0…999`, as Llama 3 reads them).
    public static let maximumNumberDigits = 3

    /// Whether numbers are read least significant digit first: ``encode(_:)`` reverses every
    /// maximal run of ASCII digits before cutting the text into pieces, and ``decode(_:skipSpecial:)``
    /// reverses every run of digits in the concatenated token text back. `false` by default.
    public let reversedNumbers: Bool

    /// Number of tokens.
    public var count: Int { vocabulary.count }

    /// Ids of all special tokens.
    public var specialIDs: Set<Int> { [padID, bosID, eosID, unkID, startID, endID, continueID, stopID] }

    /// Creates a tokenizer from a vocabulary (id = position).
    /// - Throws: ``TokenizerError/corrupt(_:)`` when a token repeats, is empty, or when a special
    ///   token, a digit `0…9` or the space `" "` is missing, or `numberDigits` is outside
    ///   `1…3`.
    public init(vocabulary: [String], numberDigits: Int = 1, reversedNumbers: Bool = false) throws {
        guard (1...Self.maximumNumberDigits).contains(numberDigits) else {
            throw TokenizerError.corrupt("number_digits must be 1 to \(Self.maximumNumberDigits), got \(numberDigits)")
        }
        self.numberDigits = numberDigits
        self.reversedNumbers = reversedNumbers
        var ids: [String: Int] = [:]
        for (id, token) in vocabulary.enumerated() {
            guard !token.isEmpty else { throw TokenizerError.corrupt("token \(id) is empty") }
            if let earlier = ids[token] {
                throw TokenizerError.corrupt("token \(String(reflecting: token)) appears twice (ids \(earlier) and \(id))")
            }
            ids[token] = id
        }
        func required(_ token: String) throws -> Int {
            guard let id = ids[token] else {
                throw TokenizerError.corrupt("the vocabulary lacks the required token \(String(reflecting: token))")
            }
            return id
        }
        for digit in 0...9 { _ = try required(String(digit)) }
        self.vocabulary = vocabulary
        self.ids = ids
        var shortIDs: [ShortKey: Int] = [:]
        for (id, token) in vocabulary.enumerated() {
            let bytes = Array(token.utf8)
            if let key = ShortKey(bytes, bytes.indices) { shortIDs[key] = id }
        }
        self.shortIDs = shortIDs
        padID = try required(Self.pad)
        bosID = try required(Self.bos)
        eosID = try required(Self.eos)
        unkID = try required(Self.unk)
        startID = try required(Self.start)
        endID = try required(Self.end)
        continueID = try required(Self.continue)
        stopID = try required(Self.stop)
        spaceID = try required(" ")
    }

    /// Builds the vocabulary of `dataset`: the pieces of every example's CoT teacher text
    /// (``Prompts/teacherText(_:dropLastStep:)``, which holds the question, the steps, the answer
    /// and the fixed template text), plus the pieces of `extraTexts`, plus the pieces of each bare
    /// question (its first word has no leading space there; these count 0 when they occur only so).
    ///
    /// Order: the special tokens first, then the pieces by falling frequency, ties broken by
    /// Unicode scalar order. The ten digits, the space and the template pieces are always
    /// included, so any number and the answer template can be encoded even for a tiny dataset;
    /// with `numberDigits` > 1 so is every whole number of up to that many digits (`0…999`).
    /// `reversedNumbers` counts the pieces of the texts with their digit runs reversed, as
    /// ``encode(_:)`` will cut them.
    /// - Precondition: `numberDigits` in `1…3` (``maximumNumberDigits``).
    public init(building dataset: Dataset, extraTexts: [String] = [], numberDigits: Int = 1, reversedNumbers: Bool = false) {
        precondition((1...Self.maximumNumberDigits).contains(numberDigits), "numberDigits must be 1 to \(Self.maximumNumberDigits)")
        // Short pieces are counted under a packed key (fast); the strings are made once each.
        var shortCounts: [ShortKey: (text: String, count: Int)] = [:]
        var counts: [String: Int] = [:]
        func count(_ text: String) {
            let bytes = Self.readingBytes(text, reversedNumbers: reversedNumbers)
            PreTokenizer.scan(bytes, specials: Self.specialBytes, numberDigits: numberDigits) { range in
                if let key = ShortKey(bytes, range) {
                    if let entry = shortCounts[key] {
                        shortCounts[key] = (entry.text, entry.count + 1)
                    } else {
                        shortCounts[key] = (String(decoding: bytes[range], as: UTF8.self), 1)
                    }
                } else {
                    counts[String(decoding: bytes[range], as: UTF8.self), default: 0] += 1
                }
            }
        }
        for example in dataset { count(Prompts.teacherText(example)) }
        extraTexts.forEach(count)
        for entry in shortCounts.values { counts[entry.text, default: 0] += entry.count }
        // A bare question (without "Question: ") starts with a word that has no leading space;
        // such pieces join the vocabulary too, so that `encode(question)` round-trips.
        for example in dataset {
            let question = reversedNumbers ? PreTokenizer.reversingDigitRuns(example.question) : example.question
            for piece in PreTokenizer.pieces(of: question, specials: Self.specialTokens, numberDigits: numberDigits) where counts[piece] == nil {
                counts[piece] = 0
            }
        }
        let numbers = (1..<numberDigits).reduce(10) { total, _ in total * 10 }  // 10, 100 or 1000
        let always = (0..<numbers).map(String.init) + [" "]
            + PreTokenizer.pieces(of: Prompts.questionPrefix + Prompts.answerPrefix)
        for piece in always where counts[piece] == nil { counts[piece] = 0 }
        for special in Self.specialTokens { counts[special] = nil }
        let ordered = counts.sorted { a, b in
            a.value != b.value ? a.value > b.value : a.key.unicodeScalars.lexicographicallyPrecedes(b.key.unicodeScalars)
        }.map(\.key)
        do {
            try self.init(vocabulary: Self.specialTokens + ordered, numberDigits: numberDigits, reversedNumbers: reversedNumbers)
        } catch {
            preconditionFailure("a built vocabulary always holds the required tokens: \(error)")
        }
    }

    /// The id of a token string, if it is in the vocabulary.
    public func id(of token: String) -> Int? { ids[token] }

    /// The token string of an id, if the id is in range.
    public func token(of id: Int) -> String? { vocabulary.indices.contains(id) ? vocabulary[id] : nil }

    /// Whether `id` is one of the special tokens.
    public func isSpecial(_ id: Int) -> Bool { specialIDs.contains(id) }

    /// Encodes any string. Pieces outside the vocabulary become `<unk>`; a word whose
    /// space-prefixed form is unknown but whose bare form is known becomes space + word; a run
    /// of digits outside the vocabulary (`"05"`) becomes its single digits.
    /// No `<bos>`/`<eos>` is added. With ``reversedNumbers`` every digit run is encoded least
    /// significant digit first.
    public func encode(_ text: String) -> [Int] {
        let bytes = Self.readingBytes(text, reversedNumbers: reversedNumbers)
        var output: [Int] = []
        output.reserveCapacity(bytes.count / 3)
        PreTokenizer.scan(bytes, specials: Self.specialBytes, numberDigits: numberDigits) { range in
            if let id = lookup(bytes, range) {
                output.append(id)
            } else if range.count > 1, PreTokenizer.isDigit(bytes[range.lowerBound]) {
                for index in range { output.append(lookup(bytes, index..<(index + 1)) ?? unkID) }
            } else if bytes[range.lowerBound] == 0x20, range.count > 1 {
                output.append(spaceID)
                output.append(lookup(bytes, (range.lowerBound + 1)..<range.upperBound) ?? unkID)
            } else {
                output.append(unkID)
            }
        }
        return output
    }

    private static let specialBytes = specialTokens.map { Array($0.utf8) }

    /// The UTF-8 bytes the pre-tokenizer cuts: `text`'s, with every digit run reversed when
    /// numbers are read least significant digit first.
    private static func readingBytes(_ text: String, reversedNumbers: Bool) -> [UInt8] {
        reversedNumbers ? PreTokenizer.reversingDigitRuns(Array(text.utf8)) : Array(text.utf8)
    }

    private func lookup(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        if let key = ShortKey(bytes, range) { return shortIDs[key] }
        return ids[String(decoding: bytes[range], as: UTF8.self)]
    }

    /// Decodes ids by concatenating their token strings. With `skipSpecial`, the special tokens
    /// (including `<unk>`) are left out; an id outside the vocabulary reads as `<unk>` (or is
    /// left out with `skipSpecial`). With ``reversedNumbers`` every run of digits in the
    /// concatenation is turned back to the usual order, so decode a whole number's tokens at once
    /// (the tokens of `"729"` are `9` `2` `7`; decoded one by one they read `9`, `2`, `7`).
    public func decode(_ ids: [Int], skipSpecial: Bool = false) -> String {
        var text = ""
        for id in ids {
            guard let token = token(of: id) else {
                if !skipSpecial { text += Self.unk }
                continue
            }
            if skipSpecial, isSpecial(id) { continue }
            text += token
        }
        return reversedNumbers ? PreTokenizer.reversingDigitRuns(text) : text
    }

    public static func == (lhs: Tokenizer, rhs: Tokenizer) -> Bool {
        lhs.vocabulary == rhs.vocabulary && lhs.numberDigits == rhs.numberDigits && lhs.reversedNumbers == rhs.reversedNumbers
    }
}

/// Up to 16 bytes packed into two words: a cheap dictionary key for short pieces.
private struct ShortKey: Hashable {
    var low: UInt64 = 0
    var high: UInt64 = 0
    var count: Int

    init?(_ bytes: [UInt8], _ range: Range<Int>) {
        guard range.count <= 16 else { return nil }
        count = range.count
        for (k, index) in range.enumerated() {
            if k < 8 { low |= UInt64(bytes[index]) << (8 * UInt64(k)) } else { high |= UInt64(bytes[index]) << (8 * UInt64(k - 8)) }
        }
    }
}

import Foundation

/// Cuts a chain-of-thought string into steps.
///
/// - Equations (the cot holds `<<`): the `<<…>>` groups, in order; text between them (the
///   spaces of `<<4-2=2>> <<2/.5=4>>`) is dropped.
/// - Multiplication (the question is space-separated digits `d d d * d d d`): the cot split on
///   `" + "`, so each step is one partial product, followed by its running sum in brackets when
///   the file gives one — `"0 0 6 4 9 0 ( 5 5 1 1 1 1 )"`. Joining the steps with `" + "` gives
///   the cot back exactly; the step count is the number of partial products (4 for 4×4).
/// - Prose: sentences. A sentence ends at `.`, `!` or `?` (plus any closing quote or bracket)
///   followed by a space and an upper-case letter, digit, `$`, quote or bracket, unless the
///   word before the period is a title such as `Mr.`/`Dr.` or `i.e.`/`e.g.`. A step whose
///   line break was collapsed (`… = $46 The total …`) is also cut (see
///   ``splitCollapsedLines(_:)``). Joining the
///   sentences with single spaces gives the cot back when it has single spaces (true for
///   `train_no_aug.txt`).
enum StepSplitter {
    /// A problem with the cot, reported as a warning by the loaders.
    struct Problem: Error { var message: String }

    /// The steps of `cot`, for an example whose question is `question`.
    static func steps(fromCoT cot: String, question: String) throws(Problem) -> [String] {
        let trimmed = cot.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return [] }
        if trimmed.contains("<<") { return try equations(in: trimmed) }
        if isMultiplication(question) {
            return trimmed.components(separatedBy: " + ").filter { !$0.isEmpty }
        }
        return sentences(in: trimmed)
    }

    /// The `<<…>>` groups of `text`.
    static func equations(in text: String) throws(Problem) -> [String] {
        var groups: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<<") {
            guard let close = rest[open.upperBound...].range(of: ">>") else {
                throw Problem(message: "an equation opened with '<<' is never closed with '>>'")
            }
            groups.append(String(rest[open.lowerBound..<close.upperBound]))
            rest = rest[close.upperBound...]
        }
        return groups
    }

    /// Whether `question` is an implicit-CoT multiplication input such as `5 6 3 2 * 7 4 3 4`.
    static func isMultiplication(_ question: String) -> Bool {
        let sides = question.trimmingCharacters(in: .whitespaces).components(separatedBy: " * ")
        return sides.count == 2 && sides.allSatisfy { side in
            let digits = side.split(separator: " ", omittingEmptySubsequences: false)
            return !digits.isEmpty && digits.allSatisfy { $0.count == 1 && $0.first!.isASCII && $0.first!.isNumber }
        }
    }

    private static let titles: Set<String> = ["mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "mt", "vs", "i.e", "e.g"]
    private static let closers: Set<Character> = ["\"", "'", ")", "”", "’", "]"]

    /// Sentences of `text` (see the type's documentation).
    static func sentences(in text: String) -> [String] {
        let chars = Array(text)
        var sentences: [String] = []
        var start = 0
        var i = 0
        while i < chars.count {
            defer { i += 1 }
            guard chars[i] == "." || chars[i] == "!" || chars[i] == "?" else { continue }
            var end = i + 1
            while end < chars.count, closers.contains(chars[end]) { end += 1 }
            guard end + 1 < chars.count, chars[end] == " ", startsSentence(chars[end + 1]) else { continue }
            if chars[i] == ".", isTitle(before: i, in: chars, from: start) { continue }
            sentences.append(String(chars[start..<end]).trimmingCharacters(in: .whitespaces))
            start = end + 1
            i = end
        }
        let last = String(chars[min(start, chars.count)...]).trimmingCharacters(in: .whitespaces)
        if !last.isEmpty { sentences.append(last) }
        return sentences.filter { !$0.isEmpty }.flatMap(splitCollapsedLines)
    }

    /// A character that can begin a sentence: an upper-case letter, a digit, `$` or an opening
    /// quote or bracket (not an operator such as `*` after `8 ft.`).
    private static func startsSentence(_ character: Character) -> Bool {
        character.isUppercase || character.isNumber || "$\"'(“‘".contains(character)
    }

    /// GSM8K solutions were written one step per line; `train_no_aug.txt` collapsed the newlines
    /// to spaces, so a step often ends in a result with no period: `… = $46 The total …`. A
    /// sentence is therefore also cut before a capitalised word that follows an `=`, its
    /// numeric result and at most six more words (`= 16 pounds/feeding Each day …`), unless the
    /// word before it is a connector (`to`, `by`, …) or a possessive, or it is the last word.
    /// Words after which a capitalised word continues the same step (`to Fred`, `by Earl`).
    private static let connectors: Set<String> = [
        "a", "an", "the", "to", "by", "of", "for", "with", "from", "and", "or", "at", "in", "on",
        "after", "before", "than", "as", "is", "are", "was", "were", "per", "each", "his", "her", "their",
    ]

    static func splitCollapsedLines(_ sentence: String) -> [String] {
        let words = sentence.split(separator: " ", omittingEmptySubsequences: false)
        var parts: [String] = []
        var current: [Substring] = []
        var sawEquals = false
        var wordsAfterResult: Int?
        for (index, word) in words.enumerated() {
            if let count = wordsAfterResult, count <= 6, let previous = current.last,
               let first = word.first, first.isASCII, first.isUppercase,
               index + 1 < words.count,  // not a lone last word (`… his debt to Fred.`)
               !connectors.contains(previous.lowercased()),
               !previous.hasSuffix("'s"), !previous.hasSuffix("’s") {  // `women's T-shirts`
                parts.append(current.joined(separator: " "))
                current = []
                sawEquals = false
                wordsAfterResult = nil
            }
            current.append(word)
            if let count = wordsAfterResult {
                wordsAfterResult = count + 1
            } else if let equals = word.lastIndex(of: "=") {
                sawEquals = true
                if word[word.index(after: equals)...].contains(where: \.isNumber) { wordsAfterResult = 0 }
            } else if sawEquals, word.contains(where: \.isNumber) {
                wordsAfterResult = 0
            }
        }
        if !current.isEmpty { parts.append(current.joined(separator: " ")) }
        return parts
    }

    private static func isTitle(before period: Int, in chars: [Character], from start: Int) -> Bool {
        var j = period
        while j > start, chars[j - 1] != " " { j -= 1 }
        return titles.contains(String(chars[j..<period]).lowercased())
    }
}

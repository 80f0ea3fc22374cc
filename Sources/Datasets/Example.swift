import Foundation

/// One reasoning problem: a question, the reference chain of thought split into steps, and the
/// final answer.
///
/// For GSM8K-Aug data every step is a calculator equation such as `"<<12+7=19>>"`; for the
/// natural-language GSM8K file a step is a sentence; for the multiplication files a step is one
/// partial product (with its bracketed running sum, when the file gives one).
public struct Example: Sendable, Hashable, Codable {
    /// The problem text, exactly as given.
    public var question: String
    /// The reference solution's reasoning steps, in order.
    public var steps: [String]
    /// The final answer, exactly as given (e.g. `"136"`, `"5,000"`, `"-3"`).
    public var answer: String

    /// Creates an example.
    public init(question: String, steps: [String], answer: String) {
        self.question = question
        self.steps = steps
        self.answer = answer
    }

    /// The number of reasoning steps of the reference solution (`steps.count`).
    public var stepCount: Int { steps.count }

    /// How the steps are written, inferred from their content (see ``CoTStyle``).
    public var cotStyle: CoTStyle { CoTStyle.detect(steps) }

    /// The chain of thought as one string, joined the way its style requires:
    /// equations are concatenated with no separator (`<<72-38=34>><<34*8=272>>`), prose
    /// sentences are joined by single spaces, and multiplication partial products by `" + "`.
    /// Prose and multiplication text gets a leading space so that it stays separate from the
    /// question; equation text does not (GSM8K-Aug style). Empty when there are no steps.
    public var cotText: String { cotText(dropLastStep: false) }

    /// Each step's text as it appears inside ``cotText`` (equations bare, prose and
    /// multiplication steps with their leading space): what step-level supervision of latent
    /// steps decodes.
    public var stepTexts: [String] {
        cotStyle == .equations ? steps : steps.map { " " + $0 }
    }

    /// ``cotText`` without the final step when `dropLastStep` is true (the paper's
    /// `remove_last_reasoning_step`, used for the teacher text of latent runs).
    public func cotText(dropLastStep: Bool) -> String {
        let kept = dropLastStep ? Array(steps.dropLast()) : steps
        guard !kept.isEmpty else { return "" }
        switch cotStyle {
        case .equations: return kept.joined()
        case .prose: return " " + kept.joined(separator: " ")
        case .multiplication: return " " + kept.joined(separator: " + ")
        }
    }
}

/// The three ways a chain of thought is written in the supported data.
public enum CoTStyle: String, Sendable, Codable, CaseIterable {
    /// Calculator equations `<<a op b=r>>` (GSM8K-Aug).
    case equations
    /// Natural-language sentences (GSM8K without augmentation).
    case prose
    /// Partial products of the implicit-CoT multiplication data: space-separated digits,
    /// optionally followed by a bracketed running sum, e.g. `"0 0 6 4 9 0 ( 5 5 1 1 1 1 )"`.
    case multiplication

    /// The style of a list of steps: equations when every step is one `<<…>>` group,
    /// multiplication when every step is digit groups as above, prose otherwise
    /// (also for an empty list).
    public static func detect(_ steps: [String]) -> CoTStyle {
        guard !steps.isEmpty else { return .prose }
        if steps.allSatisfy(isEquation) { return .equations }
        if steps.allSatisfy(isPartialProduct) { return .multiplication }
        return .prose
    }

    static func isEquation(_ step: String) -> Bool {
        step.hasPrefix("<<") && step.hasSuffix(">>") && step.count >= 4
    }

    /// `d( d)*` optionally followed by ` ( d( d)* )`.
    static func isPartialProduct(_ step: String) -> Bool {
        let words = step.split(separator: " ", omittingEmptySubsequences: false)
        guard let first = words.first, isDigit(first) else { return false }
        var index = 1
        while index < words.count, isDigit(words[index]) { index += 1 }
        if index == words.count { return true }
        guard words[index] == "(" else { return false }
        index += 1
        let sumStart = index
        while index < words.count, isDigit(words[index]) { index += 1 }
        return index > sumStart && index == words.count - 1 && words[index] == ")"
    }

    private static func isDigit(_ word: Substring) -> Bool {
        word.utf8.count == 1 && word.utf8.first.map { $0 >= 0x30 && $0 <= 0x39 } == true
    }
}

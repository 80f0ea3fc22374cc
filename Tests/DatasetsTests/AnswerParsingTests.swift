import Testing
@testable import Datasets

@Suite("Answer parsing (the paper's rule)")
struct AnswerParsingTests {
    @Test(arguments: [
        ("<<2+3=5>> The answer is: 5", AnswerParsing.Outcome.number(5)),
        (" The answer is: 1,234 apples", .number(1234)),
        (" the answer is: -7", .number(-7)),
        (" THE ANSWER IS: 3.25.", .number(3.25)),
        (" The answer is: 5.", .number(5)),
        (" The answer is: 4 The answer is: 9", .number(9)),
        (" The answer is: about 12 or 13", .number(12)),
        (" The answer is: none", .noNumber),
        (" The answer is:", .noNumber),
        ("The answer is: 5", .badFormat),
        (" The answer is 5", .badFormat),
        ("", .badFormat),
        ("<<1+1=2>>", .badFormat),
        (" The answer is: $1,000,000.50", .number(1_000_000.5)),
        (" The answer is: x-2", .number(-2)),
        (" The answer is: 5 - 3", .number(5)),
    ])
    func outcomes(output: String, expected: AnswerParsing.Outcome) {
        #expect(AnswerParsing.outcome(of: output) == expected)
    }

    @Test(arguments: [
        (" The answer is: 5000", "5,000", true),
        (" The answer is: 5,000", "5000", true),
        (" The answer is: -3", "-3", true),
        (" The answer is: 3", "-3", false),
        (" The answer is: 10.0", "10", true),
        (" The answer is: 10.00001", "10", false),
        (" The answer is: 10.0000001", "10", true),
        (" The answer is: 136", "136", true),
        (" The answer is: 137", "136", false),
        ("The answer is: 136", "136", false),
        (" The answer is: 136", "n/a", false),
    ])
    func correctness(output: String, label: String, correct: Bool) {
        #expect(AnswerParsing.isCorrect(output, label: label) == correct)
    }

    @Test func reasoningText() {
        #expect(AnswerParsing.reasoningText(in: "q<<1+1=2>> The answer is: 2") == "q<<1+1=2>>")
        #expect(AnswerParsing.reasoningText(in: "x the ANSWER is: 2 The answer is: 3") == "x")
        #expect(AnswerParsing.reasoningText(in: "no marker") == nil)
    }
}

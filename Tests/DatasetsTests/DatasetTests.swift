import Foundation
import Testing
@testable import Datasets

@Suite("Dataset value type")
struct DatasetTests {
    let data = Dataset((0..<10).map { Example(question: "q\($0)?", steps: Array(repeating: "<<1+1=2>>", count: $0 % 3), answer: "\($0)") })

    @Test func collectionBasics() throws {
        #expect(data.count == 10)
        #expect(data[3].answer == "3")
        #expect(try data.take(4).map(\.answer) == ["0", "1", "2", "3"])
        #expect(try data.take(50).count == 10)
        #expect(try data.take(0).isEmpty)
        #expect(throws: DatasetError.self) { try data.take(-1) }
    }

    @Test func splitIsADeterministicPartition() throws {
        let (train, test) = try data.split(fraction: 0.7, seed: 3)
        #expect(train.count == 7 && test.count == 3)
        #expect(Set(train.map(\.answer) + test.map(\.answer)) == Set(data.map(\.answer)))
        let again = try data.split(fraction: 0.7, seed: 3)
        #expect(again.train == train && again.test == test)
        let other = try data.split(fraction: 0.7, seed: 4)
        #expect(other.train != train)
        #expect(try data.split(fraction: 1, seed: 0).test.isEmpty)
        #expect(try data.split(fraction: 0, seed: 0).train.isEmpty)
        #expect(throws: DatasetError.self) { try data.split(fraction: 1.5) }
        #expect(throws: DatasetError.self) { try data.split(fraction: .nan) }
    }

    @Test func splitOfTwentyThousandGivesEighteenThousand() throws {
        let big = Dataset(Array(repeating: Example(question: "q", steps: [], answer: "1"), count: 20_000))
        let parts = try big.split(fraction: 0.9, seed: 0)
        #expect(parts.train.count == 18_000 && parts.test.count == 2_000)
    }

    @Test func statistics() {
        let stats = data.statistics
        #expect(stats.count == 10)
        #expect(stats.byStepCount.map(\.stepCount) == [0, 1, 2])
        #expect(stats.byStepCount.map(\.count) == [4, 3, 3])
        #expect(abs(stats.meanStepCount - 0.9) < 1e-12)
        #expect(abs(stats.meanQuestionCharacters - 3) < 1e-12)  // "q3?"
        #expect(abs(stats.meanQuestionPieces - 3) < 1e-12)  // "q" "3" "?"
        // "<<1+1=2>>" is 9 characters and 7 pieces.
        #expect(abs(stats.meanCoTCharacters - 0.9 * 9) < 1e-12)
        #expect(abs(stats.meanCoTPieces - 0.9 * 7) < 1e-12)
        #expect(Dataset([]).statistics.meanStepCount == 0)
    }

    @Test func cotStyleAndText() {
        let equations = Example(question: "q", steps: ["<<1+2=3>>", "<<3*2=6>>"], answer: "6")
        #expect(equations.cotStyle == .equations)
        #expect(equations.cotText == "<<1+2=3>><<3*2=6>>")
        #expect(equations.cotText(dropLastStep: true) == "<<1+2=3>>")
        let prose = Example(question: "q", steps: ["He has 3.", "So 6."], answer: "6")
        #expect(prose.cotStyle == .prose && prose.cotText == " He has 3. So 6.")
        let product = Example(question: "1 2 * 3 4", steps: ["3 6 0", "0 4 8 ( 3 0 9 )", "0 0 1"], answer: "3 0 0 1")
        #expect(product.cotStyle == .multiplication)
        #expect(product.cotText == " 3 6 0 + 0 4 8 ( 3 0 9 ) + 0 0 1")
        #expect(Example(question: "q", steps: [], answer: "1").cotText.isEmpty)
    }

    @Test func saveAndLoadRoundTrip() throws {
        let original = Dataset(try Dataset.arith(n: 40, seed: 2).examples + [
            Example(question: "Quote \" and back\\slash\nnew line\ttab \u{1} ’ é 😀", steps: ["One.", "Two!"], answer: "-3"),
            Example(question: "No steps?", steps: [], answer: "5,000"),
        ])
        let path = try TestSupport.temporaryFolder().appendingPathComponent("out.jsonl").path
        try original.save(to: path)
        let loaded = try Dataset.load(path: path)
        #expect(loaded.format == .jsonLines)
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.dataset == original)
        let firstLine = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0]
        #expect(firstLine.hasPrefix("{\"question\": \"") && firstLine.contains("\"steps\": [\"<<"))
        #expect(throws: DatasetError.self) { try original.save(to: "/nonexistent-folder-xyz/out.jsonl") }
    }
}


import Foundation
import Testing
@testable import Datasets

/// Loader tests on the real implicit-CoT files in /work/shared/data/icot (skipped when absent).
@Suite("Real implicit-CoT data", .enabled(if: TestSupport.hasSharedData, "shared data folder ../shared/data/icot not found next to the package; real-data tests skipped"))
struct RealDataTests {
    @Test func gsm8kValidAndTest() throws {
        for (file, count, emptyCoT) in [("gsm8k/valid.txt", 500, 6), ("gsm8k/test.txt", 1319, 18)] {
            let loaded = try Dataset.load(path: TestSupport.icot(file), strict: true)
            #expect(loaded.format == .implicitCoT && loaded.warnings.isEmpty)
            #expect(loaded.dataset.count == count, "\(file)")
            #expect(loaded.dataset.filter { $0.steps.isEmpty }.count == emptyCoT, "\(file)")
            #expect(loaded.dataset.allSatisfy { $0.steps.isEmpty || $0.cotStyle == .equations })
        }
        let valid = try Dataset.load(path: TestSupport.icot("gsm8k/valid.txt")).dataset
        #expect(valid[0].steps == ["<<4-2=2>>", "<<2/.5=4>>", "<<12/4=3>>", "<<100*3=300>>"])
        #expect(valid[0].stepCount == 4 && valid[0].answer == "300")
        #expect(valid[0].question.hasPrefix("John cuts his grass to 2 inches.  It grows"))
        let test = try Dataset.load(path: TestSupport.icot("gsm8k/test.txt")).dataset
        #expect(test[24].steps.isEmpty && test[24].answer == "26")
    }

    /// Every cot of the equation files is rebuilt exactly from its steps joined by spaces.
    @Test func gsm8kEquationStepsRebuildTheLine() throws {
        let lines = try String(contentsOfFile: TestSupport.icot("gsm8k/test.txt"), encoding: .utf8)
            .split(separator: "\n")
        let data = try Dataset.load(path: TestSupport.icot("gsm8k/test.txt")).dataset
        for (line, example) in zip(lines, data) {
            let rebuilt = example.question + "||" + example.steps.joined(separator: " ") + " #### " + example.answer
            #expect(rebuilt == String(line))
        }
    }

    @Test func gsm8kProseIsSplitIntoSentences() throws {
        let loaded = try Dataset.load(path: TestSupport.icot("gsm8k/train_no_aug.txt"), strict: true)
        #expect(loaded.dataset.count == 6973)
        let first = loaded.dataset[0]
        #expect(first.steps == [
            "The annual budget for policing is 32 / 2 = $16 million.",
            "The combined budget for education and policing is 16 + 12 = $28 million.",
            "There is 32 - 28 = $4 million to manage public spaces.",
        ])
        #expect(first.answer == "4" && first.cotStyle == .prose)
        // Line 2 lost its line breaks: "… = $6 The total price … = $46 For the mango …".
        #expect(loaded.dataset[1].stepCount == 7)
        #expect(loaded.dataset[1].steps[1] == "The total price of buying an orange at the new price is $6+$40 = $46")
        let lines = try String(contentsOfFile: TestSupport.icot("gsm8k/train_no_aug.txt"), encoding: .utf8)
            .split(separator: "\n")
        for (line, example) in zip(lines, loaded.dataset) {
            let cot = line.components(separatedBy: "||")[1].components(separatedBy: " #### ")[0]
            #expect(example.steps.joined(separator: " ") == cot.trimmingCharacters(in: .whitespaces))
            #expect(!example.steps.isEmpty)
        }
        let mean = loaded.dataset.statistics.meanStepCount
        #expect(mean > 3 && mean < 4, "mean steps per solution \(mean)")
    }

    @Test func multiplicationFiles() throws {
        for (folder, digits) in [("4_by_4_mult", 4), ("5_by_5_mult", 5)] {
            for file in ["valid.txt", "test_bigbench.txt"] {
                let path = TestSupport.icot("\(folder)/\(file)")
                let loaded = try Dataset.load(path: path, strict: true)
                #expect(loaded.dataset.count == 1000, "\(path)")
                #expect(loaded.dataset.allSatisfy { $0.stepCount == digits && $0.cotStyle == .multiplication })
                let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
                for (line, example) in zip(lines, loaded.dataset) {
                    #expect(example.question + "||" + example.steps.joined(separator: " + ") + " #### " + example.answer == String(line))
                    #expect(example.answer.split(separator: " ").count == 2 * digits)
                }
            }
        }
        let first = try Dataset.load(path: TestSupport.icot("4_by_4_mult/valid.txt")).dataset[0]
        #expect(first.question == "5 6 3 2 * 7 4 3 4")
        #expect(first.steps == ["5 5 5 6 1", "0 0 6 4 9 0 ( 5 5 1 1 1 1 )", "0 0 5 9 0 7 0 ( 5 5 6 0 2 8 0 )", "0 0 0 0 6 4 9 0"])
    }

    @Test func realDataSavesAndReloadsUnchanged() throws {
        let data = try Dataset.load(path: TestSupport.icot("gsm8k/valid.txt")).dataset
        let path = try TestSupport.temporaryFolder().appendingPathComponent("valid.jsonl").path
        try data.save(to: path)
        #expect(try Dataset.load(path: path).dataset == data)
    }
}

import Foundation
import Testing
@testable import Datasets

@Suite("Loaders on small and malformed inputs")
struct LoaderTests {
    func errorText(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "" } catch { return "\(error)" }
    }

    @Test func jsonArrayWithStepsCotAndNumericAnswers() throws {
        let text = """
        [
          {"question": "A has 3. B gives 4. How many?", "steps": ["<<3+4=7>>"], "answer": "7"},
          {"question": "Q2?", "cot": "<<2*3=6>> <<6-1=5>>", "answer": 5},
          {"question": "Q3?", "cot": "First it is 2. Then it is 4.", "answer": 4.5, "extra": true}
        ]
        """
        let loaded = try Dataset.load(path: try TestSupport.write(text, named: "d.json"))
        #expect(loaded.format == .json && loaded.warnings.isEmpty)
        #expect(loaded.dataset.map(\.answer) == ["7", "5", "4.5"])
        #expect(loaded.dataset[1].steps == ["<<2*3=6>>", "<<6-1=5>>"])
        #expect(loaded.dataset[2].steps == ["First it is 2.", "Then it is 4."])
    }

    @Test func jsonArrayReportsMalformedElementsWithTheirLines() throws {
        let text = """
        [
          {"question": "ok?", "steps": [], "answer": "1"},
          {"question": "no answer"},
          {"steps": ["<<1+1=2>>"], "answer": "2"},
          {"question": 5, "answer": "2"},
          {"question": "bad steps", "steps": "x", "answer": "2"},
          {"question": "broken", "answer": tru},
          [1, 2],
          {"question": "unclosed cot", "cot": "<<1+1=2", "answer": "2"},
          {"question": "last ok", "cot": "", "answer": 3}
        ]
        """
        let loaded = try Dataset.load(path: try TestSupport.write(text, named: "d.json"))
        #expect(loaded.dataset.map(\.question) == ["ok?", "last ok"])
        #expect(loaded.warnings.map(\.line) == [3, 4, 5, 6, 7, 8, 9])
        #expect(loaded.warnings.allSatisfy { $0.skipped })
        let messages = loaded.warnings.map(\.description)
        #expect(messages[0] == "line 3: missing \"answer\" — line skipped")
        #expect(messages[1].contains("missing \"question\""))
        #expect(messages[2].contains("\"question\" must be a non-empty string"))
        #expect(messages[3].contains("\"steps\" must be a list"))
        #expect(messages[4].contains("not valid JSON"))
        #expect(messages[5].contains("expected an object"))
        #expect(messages[6].contains("never closed"))
        let strict = errorText { try Dataset.load(path: try TestSupport.write(text, named: "d.json"), strict: true) }
        #expect(strict.contains("refused the file") && strict.contains("line 3") && strict.contains("strict"))
    }

    @Test func jsonStructuralErrorsRefuseTheFileWithALine() throws {
        let unclosed = errorText { try Dataset.load(path: try TestSupport.write("[\n{\"question\": \"a\",\n \"answer\": \"1\"}", named: "u.json")) }
        #expect(unclosed.contains("refused the file") && unclosed.contains("never closed"))
        let openString = errorText { try Dataset.load(path: try TestSupport.write("[\n\n{\"question\": \"a", named: "s.json")) }
        #expect(openString.contains("line 3") && openString.contains("end of the file"))
        let trailing = errorText { try Dataset.load(path: try TestSupport.write("[{\"question\": \"a\", \"answer\": 1}]\nxyz", named: "t.json")) }
        #expect(trailing.contains("line 2") && trailing.contains("after the closing"))
        let empty = errorText { try Dataset.load(path: try TestSupport.write("[]", named: "e.json")) }
        #expect(empty.contains("no valid examples"))
    }

    @Test func jsonLinesWithBlankAndBrokenLines() throws {
        let text = "{\"question\": \"a?\", \"steps\": [\"<<1+1=2>>\"], \"answer\": \"2\"}\r\n\n{not json}\n"
            + "{\"question\": \"b?\", \"cot\": \"<<2+2=4>>\", \"answer\": 4}\n\"just a string\"\n"
        let loaded = try Dataset.load(path: try TestSupport.write(text, named: "d.jsonl"))
        #expect(loaded.format == .jsonLines)
        #expect(loaded.dataset.map(\.answer) == ["2", "4"])
        #expect(loaded.warnings.map(\.line) == [3, 5])
        #expect(loaded.warnings[0].message.contains("not valid JSON"))
        #expect(loaded.warnings[1].message.contains("found a string"))
    }

    @Test func implicitCoTLines() throws {
        let text = """
        A has 3 and gets 4. How many?||<<3+4=7>> #### 7
        no separator here #### 1
        Q with no hashes?||<<1+1=2>>
        Empty cot?|| #### 26
        Two answers?||x #### 1 #### 2
        ||<<1+1=2>> #### 2
        Empty answer?||<<1+1=2>> #### 
        Prose?||Mr. Smith has 3. He buys 2 more! So 5 in total. #### 5
        5 6 3 2 * 7 4 3 4||5 5 5 6 1 + 0 0 6 4 9 0 ( 5 5 1 1 1 1 ) + 0 0 5 9 0 7 0 ( 5 5 6 0 2 8 0 ) + 0 0 0 0 6 4 9 0 #### 5 5 6 0 8 2 0 1
        """
        let loaded = try Dataset.load(path: try TestSupport.write(text, named: "d.txt"))
        #expect(loaded.format == .implicitCoT)
        #expect(loaded.dataset.count == 4)
        #expect(loaded.warnings.map(\.line) == [2, 3, 5, 6, 7])
        #expect(loaded.warnings[0].description.hasPrefix("line 2: no '||'"))
        #expect(loaded.warnings[1].message.contains("no ' #### '"))
        #expect(loaded.warnings[2].message.contains("more than one"))
        #expect(loaded.warnings[3].message.contains("empty question"))
        #expect(loaded.warnings[4].message.contains("empty answer"))
        #expect(loaded.dataset[1].steps.isEmpty && loaded.dataset[1].answer == "26")
        #expect(loaded.dataset[2].steps == ["Mr. Smith has 3.", "He buys 2 more!", "So 5 in total."])
        let product = loaded.dataset[3]
        #expect(product.stepCount == 4 && product.cotStyle == .multiplication)
        #expect(product.steps[1] == "0 0 6 4 9 0 ( 5 5 1 1 1 1 )")
        #expect(product.answer == "5 5 6 0 8 2 0 1")
    }

    @Test func proseStepsFollowSentencesAndCollapsedLines() {
        #expect(StepSplitter.sentences(in: "Each day uses 4 * 2 = 8 pounds Triple that: 8 * 3 = 24 pounds He pays $5 to Fred. "
            + "Then 6 - 1 = 5 women's T-shirts sold. The wall is 8 ft. * 2 ft. = 16 sq. ft. Dr. Lee adds 1.5 more.") == [
            "Each day uses 4 * 2 = 8 pounds", "Triple that: 8 * 3 = 24 pounds", "He pays $5 to Fred.",
            "Then 6 - 1 = 5 women's T-shirts sold.", "The wall is 8 ft. * 2 ft. = 16 sq. ft.", "Dr. Lee adds 1.5 more.",
        ])
        #expect(StepSplitter.sentences(in: "Just one step") == ["Just one step"])
    }

    @Test func fileLevelErrors() throws {
        #expect(errorText { try Dataset.load(path: "/no/such/file.txt") } == "no such file: /no/such/file.txt")
        let folder = try TestSupport.temporaryFolder()
        #expect(errorText { try Dataset.load(path: folder.path) }.contains("directory"))
        let binary = folder.appendingPathComponent("bad.txt")
        try Data([0x61, 0x7C, 0x7C, 0x62, 0xFF, 0x0A]).write(to: binary)
        #expect(errorText { try Dataset.load(path: binary.path) }.contains("not UTF-8 text (first invalid byte at offset 4)"))
        #expect(errorText { try Dataset.load(path: try TestSupport.write("hello\nworld\n", named: "x.dat")) }.contains("cannot tell the format"))
        #expect(errorText { try Dataset.load(path: try TestSupport.write("", named: "x.txt")) }.contains("no valid examples"))
        #expect(errorText { try Dataset.load(path: try TestSupport.write("", named: "x.bin")) }.contains("empty"))
        let allBad = errorText { try Dataset.load(path: try TestSupport.write("a||b\nc||d\n", named: "y.txt")) }
        #expect(allBad.contains("no valid examples") && allBad.contains("2 malformed line(s)") && allBad.contains("line 1"))
    }

    @Test func formatDetectionByContentAndExtension() throws {
        let jsonl = "{\"question\": \"a?\", \"answer\": \"1\"}\n"
        let mislabelled = try Dataset.load(path: try TestSupport.write(jsonl, named: "d.txt"))
        #expect(mislabelled.format == .jsonLines)
        #expect(mislabelled.warnings.count == 1 && mislabelled.warnings[0].line == nil && !mislabelled.warnings[0].skipped)
        #expect(try Dataset.load(path: try TestSupport.write(jsonl, named: "d.json")).format == .jsonLines)
        #expect(try Dataset.load(path: try TestSupport.write("\u{FEFF}q?||<<1+1=2>> #### 2\n", named: "d")).format == .implicitCoT)
        let forced = try Dataset.load(path: try TestSupport.write("q?||<<1+1=2>> #### 2\n", named: "d.json"), format: .implicitCoT)
        #expect(forced.dataset.count == 1 && forced.warnings.isEmpty)
    }
}

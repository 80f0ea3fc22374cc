import Foundation
import Testing
@testable import Datasets

@Suite("Tokenizer")
struct TokenizerTests {
    @Test func piecesFollowTheRegexAndTheSpaceRule() {
        #expect(PreTokenizer.pieces(of: "Mia has 72 apples.") == ["Mia", " has", " ", "7", "2", " apples", "."])
        #expect(PreTokenizer.pieces(of: "<<72-38=34>><<34*8=272>>") ==
            ["<<", "7", "2", "-", "3", "8", "=", "3", "4", ">>", "<<", "3", "4", "*", "8", "=", "2", "7", "2", ">>"])
        #expect(PreTokenizer.pieces(of: " The answer is: 136") == [" The", " answer", " is", ":", " ", "1", "3", "6"])
        #expect(PreTokenizer.pieces(of: "a  b\n\tc’s <x>") == ["a", " ", " b", "\n", "\t", "c", "’", "s", " ", "<", "x", ">"])
        #expect(PreTokenizer.pieces(of: "q?<START><|CONTINUE|>", specials: Tokenizer.specialTokens) == ["q", "?", "<START>", "<|CONTINUE|>"])
        #expect(PreTokenizer.pieces(of: "") == [])
    }

    @Test func wholeNumberPiecesAreCutFromTheLeftInThrees() {
        #expect(PreTokenizer.pieces(of: "<<72-38=34>>", numberDigits: 3) == ["<<", "72", "-", "38", "=", "34", ">>"])
        #expect(PreTokenizer.pieces(of: " The answer is: 1234567", numberDigits: 3)
            == [" The", " answer", " is", ":", " ", "123", "456", "7"])
        #expect(PreTokenizer.pieces(of: "a1005b", numberDigits: 3) == ["a", "100", "5", "b"])
        #expect(PreTokenizer.pieces(of: "12 345", numberDigits: 2) == ["12", " ", "34", "5"])
        #expect(PreTokenizer.pieces(of: "729", numberDigits: 1) == ["7", "2", "9"])
    }

    @Test func wholeNumberTokenizerHoldsEveryNumberUpTo999() throws {
        let data = try Dataset.arith(n: 300, seed: 2)
        let tokenizer = Tokenizer(building: data, numberDigits: 3)
        #expect(tokenizer.numberDigits == 3)
        for number in [0, 7, 10, 99, 500, 999] { #expect(tokenizer.id(of: "\(number)") != nil, "\(number)") }
        #expect(tokenizer.id(of: "05") == nil)
        #expect(tokenizer.encode("<<729+9=738>>").map { tokenizer.token(of: $0)! } == ["<<", "729", "+", "9", "=", "738", ">>"])
        // A piece with a leading zero falls back to its digits; the text still round-trips.
        #expect(tokenizer.encode("1005").map { tokenizer.token(of: $0)! } == ["100", "5"])
        #expect(tokenizer.encode("1050").map { tokenizer.token(of: $0)! } == ["105", "0"])
        #expect(tokenizer.encode("10005").map { tokenizer.token(of: $0)! } == ["100", "0", "5"])
        for example in data {
            for text in [Prompts.teacherText(example), Prompts.studentText(example, latentSteps: 2)] {
                let ids = tokenizer.encode(text)
                #expect(!ids.contains(tokenizer.unkID))
                #expect(tokenizer.decode(ids) == text)
                // Every number of the text is one token.
                let numbers = text.split(whereSeparator: { !$0.isNumber }).count
                #expect(ids.filter { tokenizer.token(of: $0)!.first!.isNumber }.count == numbers)
            }
        }
        #expect(tokenizer != Tokenizer(building: data), "the digit tokenizer differs")
        #expect(Tokenizer(building: data, numberDigits: 3) == tokenizer)
    }

    @Test func numberDigitsRoundTripsThroughJSONAndDefaultsToOne() throws {
        let whole = Tokenizer(building: try Dataset.arith(n: 20, seed: 4), numberDigits: 3)
        let json = try #require(try JSONSerialization.jsonObject(with: whole.jsonData()) as? [String: Any])
        #expect(json["number_digits"] as? Int == 3)
        #expect((json["pre_tokenizer"] as? String)?.hasPrefix(#"<<|>>|\d{1,3}|"#) == true)
        let back = try Tokenizer(jsonData: whole.jsonData())
        #expect(back == whole && back.numberDigits == 3)
        let digits = Tokenizer(building: try Dataset.arith(n: 20, seed: 4))
        let digitJSON = try #require(try JSONSerialization.jsonObject(with: digits.jsonData()) as? [String: Any])
        #expect(digitJSON["number_digits"] == nil, "files of the digit tokenizer stay as earlier builds wrote them")
        #expect(try Tokenizer(jsonData: digits.jsonData()).numberDigits == 1)
        var bad = json
        bad["number_digits"] = 7
        do {
            _ = try Tokenizer(jsonData: JSONSerialization.data(withJSONObject: bad))
            Issue.record("number_digits 7 was accepted")
        } catch {
            #expect("\(error)".contains("number_digits must be 1 to 3, got 7"))
        }
    }

    @Test func reversingDigitRunsTurnsEachRunAndIsItsOwnInverse() {
        #expect(PreTokenizer.reversingDigitRuns("a 729, 15 and 3.50 <<81*9=729>>") == "a 927, 51 and 3.05 <<18*9=927>>")
        #expect(PreTokenizer.reversingDigitRuns("no digits") == "no digits")
        #expect(PreTokenizer.reversingDigitRuns("") == "")
        #expect(PreTokenizer.reversingDigitRuns("1") == "1")
        for text in ["1005x0", "éà 12’34", "<|STOP|>987"] {
            #expect(PreTokenizer.reversingDigitRuns(PreTokenizer.reversingDigitRuns(text)) == text)
        }
    }

    @Test func reversedNumbersEncodeLeastSignificantDigitFirstAndDecodeBack() throws {
        let data = try Dataset.arith(n: 300, seed: 2)
        let tokenizer = Tokenizer(building: data, reversedNumbers: true)
        let plain = Tokenizer(building: data)
        #expect(tokenizer.reversedNumbers && !plain.reversedNumbers)
        #expect(tokenizer.vocabulary == plain.vocabulary, "digits are digits in either order")
        #expect(tokenizer != plain)
        #expect(tokenizer.encode("<<81*9=729>>").map { tokenizer.token(of: $0)! }
            == ["<<", "1", "8", "*", "9", "=", "9", "2", "7", ">>"])
        #expect(tokenizer.encode(" is: 1005") == plain.encode(" is: 5001"))
        for example in data {
            for text in [Prompts.teacherText(example), Prompts.studentText(example, latentSteps: 2)] {
                let ids = tokenizer.encode(text)
                #expect(!ids.contains(tokenizer.unkID))
                #expect(tokenizer.decode(ids) == text)
                #expect(ids == plain.encode(PreTokenizer.reversingDigitRuns(text)))
            }
            // A step encoded alone is found as it stands inside the teacher text.
            let teacher = tokenizer.encode(Prompts.teacherText(example))
            for step in example.stepTexts {
                let ids = tokenizer.encode(step)
                #expect((0...(teacher.count - ids.count)).contains { Array(teacher[$0..<($0 + ids.count)]) == ids })
            }
        }
        // With whole numbers the reversed run is cut from the left; a piece with a leading zero
        // is a token only where the reversed data holds it ("021" of 120), else it falls back.
        let whole = Tokenizer(building: data, numberDigits: 3, reversedNumbers: true)
        #expect(whole.encode("1234").map { whole.token(of: $0)! } == ["432", "1"])
        #expect(whole.id(of: "000") == nil)
        #expect(whole.encode("1000").map { whole.token(of: $0)! } == ["0", "0", "0", "1"])
        #expect(whole.decode(whole.encode(" 1234 and 120, 1000")) == " 1234 and 120, 1000")
    }

    @Test func reversedNumbersRoundTripThroughJSONAndDefaultToFalse() throws {
        let reversed = Tokenizer(building: try Dataset.arith(n: 20, seed: 4), reversedNumbers: true)
        let json = try #require(try JSONSerialization.jsonObject(with: reversed.jsonData()) as? [String: Any])
        #expect(json["reversed_numbers"] as? Bool == true)
        #expect((json["pre_tokenizer"] as? String)?.hasPrefix("every run of digits reversed") == true)
        let back = try Tokenizer(jsonData: reversed.jsonData())
        #expect(back == reversed && back.reversedNumbers)
        let plain = Tokenizer(building: try Dataset.arith(n: 20, seed: 4))
        let plainJSON = try #require(try JSONSerialization.jsonObject(with: plain.jsonData()) as? [String: Any])
        #expect(plainJSON["reversed_numbers"] == nil, "files of the usual order stay as earlier builds wrote them")
        #expect(try !Tokenizer(jsonData: plain.jsonData()).reversedNumbers)
        var bad = json
        bad["reversed_numbers"] = "yes"
        do {
            _ = try Tokenizer(jsonData: JSONSerialization.data(withJSONObject: bad))
            Issue.record("reversed_numbers \"yes\" was accepted")
        } catch {
            #expect("\(error)".contains("reversed_numbers"))
        }
    }

    @Test func specialsComeFirstAndHaveTheirIDs() throws {
        let tokenizer = Tokenizer(building: try Dataset.arith(n: 50, seed: 1))
        #expect(Array(tokenizer.vocabulary.prefix(8)) == Tokenizer.specialTokens)
        #expect([tokenizer.padID, tokenizer.bosID, tokenizer.eosID, tokenizer.unkID] as [Int] == [0, 1, 2, 3])
        #expect([tokenizer.startID, tokenizer.endID, tokenizer.continueID, tokenizer.stopID] as [Int] == [4, 5, 6, 7])
        #expect(tokenizer.token(of: tokenizer.spaceID) == " ")
        #expect(tokenizer.encode("<START><|CONTINUE|><|STOP|><END>") == [4, 6, 7, 5])
        #expect(tokenizer.decode([1, tokenizer.id(of: "Question")!, 6, 2], skipSpecial: true) == "Question")
        #expect(tokenizer.decode([1, 6, 2]) == "<bos><|CONTINUE|><eos>")
        #expect(tokenizer.decode([9999]) == "<unk>" && tokenizer.decode([9999], skipSpecial: true) == "")
    }

    @Test func vocabularyOrderIsByFrequencyThenLexicographic() throws {
        let data = try Dataset.arith(n: 200, seed: 3)
        let tokenizer = Tokenizer(building: data)
        var counts: [String: Int] = [:]
        for example in data {
            for piece in PreTokenizer.pieces(of: Prompts.teacherText(example)) { counts[piece, default: 0] += 1 }
        }
        let rest = Array(tokenizer.vocabulary.dropFirst(8))
        #expect(Set(rest).count == rest.count)
        #expect(Set(counts.keys).isSubset(of: Set(rest)))
        for digit in 0...9 { #expect(tokenizer.id(of: "\(digit)") != nil) }
        for (a, b) in zip(rest, rest.dropFirst()) {
            let (ca, cb) = (counts[a] ?? 0, counts[b] ?? 0)
            #expect(ca > cb || (ca == cb && a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)), "\(a) before \(b)")
        }
        #expect(Tokenizer(building: data) == tokenizer)
        let tiny = Tokenizer(building: Dataset([Example(question: "b b a c", steps: [], answer: "1")]))
        #expect(tiny.vocabulary[8] == " b")  // " b" and ":" both occur twice; " " (0x20) sorts first
        #expect(tiny.id(of: "b") != nil)  // the bare question's first word
    }

    @Test func roundTripOnGeneratedData() throws {
        let data = try Dataset.arith(n: 500, seed: 2)
        let tokenizer = Tokenizer(building: data)
        for example in data {
            for text in [Prompts.teacherText(example), Prompts.noCoTText(example), Prompts.studentText(example, latentSteps: 3)] {
                let ids = tokenizer.encode(text)
                #expect(!ids.contains(tokenizer.unkID))
                #expect(tokenizer.decode(ids) == text)
            }
        }
        #expect(tokenizer.count < 600, "vocabulary of \(tokenizer.count)")
    }

    @Test(.enabled(if: TestSupport.hasSharedData, "shared data folder absent; real-data round trip skipped"))
    func roundTripOnRealData() throws {
        for file in ["gsm8k/valid.txt", "gsm8k/train_no_aug.txt", "5_by_5_mult/valid.txt"] {
            // The first 2,000 examples of each file keep this quick in debug builds.
            let data = try Dataset.load(path: TestSupport.icot(file)).dataset.take(2000)
            let tokenizer = Tokenizer(building: data)
            for example in data {
                let text = Prompts.teacherText(example)
                #expect(tokenizer.decode(tokenizer.encode(text)) == text, "\(file): \(example.question)")
                #expect(tokenizer.decode(tokenizer.encode(example.question)) == example.question)
            }
        }
    }

    @Test func unknownPiecesBecomeUnk() throws {
        let tokenizer = Tokenizer(building: try Dataset.arith(n: 50, seed: 1))
        let ids = tokenizer.encode("zzyzx 😀 7")
        #expect(ids == [tokenizer.unkID, tokenizer.spaceID, tokenizer.unkID, tokenizer.spaceID, tokenizer.id(of: "7")!])
        #expect(tokenizer.decode(ids, skipSpecial: true) == "  7")
        // A known word without its space form: space + word.
        let question = try #require(tokenizer.id(of: "Question"))
        if tokenizer.id(of: " Question") == nil {
            #expect(tokenizer.encode("a Question") .suffix(2) == [tokenizer.spaceID, question])
        }
    }

    @Test func jsonRoundTripAndCorruptFiles() throws {
        let tokenizer = Tokenizer(building: try Dataset.arith(n: 100, seed: 4))
        let path = try TestSupport.temporaryFolder().appendingPathComponent("tokenizer.json").path
        try tokenizer.save(to: path)
        #expect(try Tokenizer.load(from: path) == tokenizer)
        let json = try JSONSerialization.jsonObject(with: tokenizer.jsonData()) as? [String: Any]
        #expect(json?["type"] as? String == "latent-word-digit")
        #expect(json?["version"] as? Int == 1)

        func corrupt(_ text: String) -> String {
            do { _ = try Tokenizer(jsonData: Data(text.utf8)); return "" } catch { return "\(error)" }
        }
        let specials = #""specials": {"pad": "<pad>", "bos": "<bos>", "eos": "<eos>", "unk": "<unk>", "start": "<START>", "end": "<END>", "continue": "<|CONTINUE|>", "stop": "<|STOP|>"}"#
        let vocab = (Tokenizer.specialTokens + (0...9).map(String.init) + [" "]).map { "\"\($0)\"" }.joined(separator: ", ")
        #expect(corrupt(#"{"type": "latent-word-digit", "version": 1, \#(specials), "vocabulary": [\#(vocab)]}"#) == "")
        #expect(corrupt("not json").contains("not valid JSON"))
        #expect(corrupt(#"{"type": "bpe", "version": 1, \#(specials), "vocabulary": [\#(vocab)]}"#).contains("type is \"bpe\""))
        #expect(corrupt(#"{"type": "latent-word-digit", "version": 9, \#(specials), "vocabulary": [\#(vocab)]}"#).contains("version 9"))
        #expect(corrupt(#"{"type": "latent-word-digit", "version": 1, \#(specials)}"#).contains("missing field \"vocabulary\""))
        #expect(corrupt(#"{"type": "latent-word-digit", "version": 1, \#(specials), "vocabulary": 3}"#).contains("wrong type"))
        #expect(corrupt(#"{"type": "latent-word-digit", "version": 1, \#(specials), "vocabulary": [\#(vocab), "7"]}"#).contains("appears twice"))
        #expect(corrupt(#"{"type": "latent-word-digit", "version": 1, \#(specials), "vocabulary": ["<pad>"]}"#).contains("lacks the required token"))
        #expect(corrupt(#"{"type": "latent-word-digit", "version": 1, "specials": {}, "vocabulary": [\#(vocab)]}"#).contains("special \"pad\""))
        #expect(throws: TokenizerError.self) { try Tokenizer.load(from: "/no/such/tokenizer.json") }
    }
}

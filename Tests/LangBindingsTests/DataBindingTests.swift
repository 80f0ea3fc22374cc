// Data builtins from the language: arith, split, take, len, indexing, iteration, save/load_data.

import Foundation
import Lang
import Support
import Testing

@Suite struct DataBindingTests {
    @Test func arithSplitTakeLenIndexAndLoop() {
        let s = engineSession()
        s.ok("data = arith(n: 50, steps: 1...3, seed: 1)")
        #expect(s.ok("len(data)") == "50")
        #expect(s.ok("type(data)") == "\"dataset\"")
        #expect(s.ok("keys(data[0])") == "[\"question\", \"steps\", \"answer\"]")
        #expect(s.ok("type(data[-1].steps)") == "\"list\"")
        s.ok("parts = split(data, 0.8, seed: 2)")
        #expect(s.ok("[len(parts.train), len(parts.test)]") == "[40, 10]")
        #expect(s.ok("len(take(data, 7))") == "7")
        #expect(s.ok("len(data[10..<15])") == "5")
        s.ok("total = 0\nfor ex in data { total = total + len(ex.steps) }")
        let total = s.ok("total")
        #expect(Int(total).map { (50...150).contains($0) } == true)
        // The same arguments give the same problems; another seed gives others.
        #expect(s.ok("arith(n: 5, seed: 9) == arith(n: 5, seed: 9)") == "true")
        #expect(s.ok("arith(n: 5, seed: 9) == arith(n: 5, seed: 8)") == "false")
        #expect(s.ok("len(arith(n: 20, steps: 2).step_counts)") == "20")
        #expect(s.ok("max(arith(n: 20, steps: 2).step_counts)") == "2")
    }

    @Test func equationsHoldInEverySample() {
        let s = engineSession()
        s.ok("d = arith(n: 20, steps: 1...4, max: 50, seed: 4)")
        #expect(s.ok("d[0].steps[0][0]") == "\"<\"")
        #expect(s.ok("num(d[3].answer) >= 0") == "true")
    }

    @Test func resultsOnlyCutsEachStepToItsResult() {
        let s = engineSession()
        s.ok("d = arith(n: 30, steps: 2...3, seed: 3)\nro = results_only(d)")
        #expect(s.ok("len(ro) == len(d) and ro[5].question == d[5].question and ro[5].answer == d[5].answer") == "true")
        #expect(s.ok("len(ro[5].steps) == len(d[5].steps)") == "true")
        #expect(s.ok("contains(ro[5].steps[0], \"=\")") == "false")
        #expect(s.ok("contains(d[5].steps[0], \"=\")") == "true")
        #expect(s.fails("results_only(5)", "TypeError").contains("data"))
    }

    @Test func datasetRendersSummaryAndHTMLTable() {
        let s = engineSession()
        let outcome = s.execute("arith(n: 12, seed: 1)", host: RecordingHost())
        let bundle = try? #require(outcome.result)
        #expect(bundle?.plain.hasPrefix("dataset: 12 examples") == true)
        #expect(bundle?.html?.contains("<table") == true)
        #expect(bundle?.html?.contains("question") == true)
    }

    @Test func saveAndLoadDataRoundTrip() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = engineSession()
        let path = dir.appendingPathComponent("d.jsonl").path
        s.ok("d = arith(n: 30, seed: 5)\nsave(d, \"\(path)\")")
        #expect(s.ok("load_data(\"\(path)\") == d") == "true")
        #expect(s.ok("load_data(\"\(path)\")[4].answer == d[4].answer") == "true")
    }

    @Test func saveWritesPlainValuesAsJSON() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = engineSession()
        let path = dir.appendingPathComponent("r.json").path
        s.ok("save({name: \"a\", ok: true, none: nil, xs: [1, 2.5], r: 0...2, t: table([{k: 1, v: \"x\"}, {k: 2, v: \"y\"}])}, \"\(path)\")")
        let json = try JSONValue(parsing: String(contentsOfFile: path, encoding: .utf8))
        #expect(json["name"] == "a" && json["ok"] == true && json["none"] == .null)
        #expect(json["xs"] == [1, 2.5] && json["r"] == [0, 1, 2])
        #expect(json["t"] == [["k": 1, "v": "x"], ["k": 2, "v": "y"]])
        // Objects without a JSON form are named, with where they sit in the value.
        let message = s.fails("save({runs: [1, arith(n: 2)]}, \"\(path)\")", "TypeError")
        #expect(message.contains("x.runs[1] is a dataset") && message.contains("no JSON form"))
        #expect(s.fails("save({a: 1}, \"\(dir.path)/no/such/dir/r.json\")", "IOError").contains("cannot write"))
    }

    @Test func loadDataWarnsAboutSkippedLines() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mixed.txt").path
        try "What is 2 plus 3?||<<2+3=5>> #### 5\nthis line is broken\n".write(toFile: path, atomically: true, encoding: .utf8)
        let s = engineSession()
        let (outcome, host) = s.run("len(load_data(\"\(path)\"))")
        #expect(outcome.result?.plain == "1")
        #expect(host.stderr.contains("line 2"))
    }

    @Test func errorsNameTheFunctionAndArgument() {
        let s = engineSession()
        #expect(s.fails("arith(n: \"many\")", "TypeError").contains("arith: argument 'n'"))
        #expect(s.fails("arith(steps: \"four\")", "TypeError").contains("argument 'steps'"))
        #expect(s.fails("arith(steps: 0...20)", "ValueError").contains("steps"))
        #expect(s.fails("arith(n: 0)", "ValueError").contains("argument 'n'"))
        #expect(s.fails("split([1, 2], 0.5)", "TypeError").contains("split: argument 'data' must be a dataset"))
        #expect(s.fails("split(arith(n: 4), 1.5)", "ValueError").contains("from 0 to 1"))
        #expect(s.fails("take(arith(n: 4), -1)", "ValueError").contains("take: argument 'n'"))
        let missing = s.fails("load_data(\"/nonexistent/latent/file.jsonl\")", "IOError")
        #expect(missing.contains("load_data: argument 'path'") && missing.contains("no such file"))
        #expect(s.fails("save(arith(n: 2), \"/nonexistent/dir/x.jsonl\")", "IOError").contains("save"))
        #expect(s.fails("save([1, 2], \"x.jsonl\")", "TypeError").contains("a dataset, a model, a plot"))
        #expect(s.execute("arith(n: 3)[5]", host: RecordingHost()).error != nil)
    }
}

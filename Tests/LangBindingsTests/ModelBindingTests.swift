// Model builtins from the language: model, params, tokenize/detokenize, predict, save/load_model.

import Foundation
import Lang
import Testing

@Suite struct ModelBindingTests {
    @Test func tinyModelCountsParameters() {
        let s = tinyModelSession()
        #expect(s.ok("type(m)") == "\"model\"")
        #expect(s.ok("params(m) == m.params") == "true")
        // vocab·dim + layers·(4·dim² + 3·dim·mlp + 2·dim) + dim, with mlp = 64 for dim 16.
        #expect(s.ok("params(m) == m.vocab * 16 + (4 * 16 * 16 + 3 * 16 * m.mlp + 2 * 16) + 16") == "true")
        #expect(s.ok("[m.dim, m.layers, m.heads, m.mlp]") == "[16, 1, 2, 64]")
        #expect(s.ok("m.last_run") == "")
        #expect(s.ok("m").contains("untrained"))
    }

    @Test func tokenizeDetokenizeRoundTrip() {
        let s = tinyModelSession()
        #expect(s.ok("detokenize(m, tokenize(m, d[0].question)) == d[0].question") == "true")
        #expect(s.ok("detokenize(m, tokenize(m, \"<<12+7=19>>\"))") == "\"<<12+7=19>>\"")
        #expect(s.ok("len(tokenize(m, \"123\"))") == "3")
        #expect(s.fails("detokenize(m, [1, 100000])", "ValueError").contains("detokenize: argument 'ids' element 1"))
        #expect(s.fails("tokenize(d, \"x\")", "TypeError").contains("tokenize: argument 'model' must be a model"))
    }

    @Test func predictGivesATableOfProbabilities() {
        let s = tinyModelSession()
        s.ok("p = predict(m, \"Question: \", top: 3)")
        #expect(s.ok("type(p)") == "\"table\"")
        #expect(s.ok("len(p)") == "3")
        #expect(s.ok("keys(p[0])") == "[\"token\", \"id\", \"prob\"]")
        #expect(s.ok("p[0].prob >= p[1].prob and p[1].prob >= p[2].prob and sum(p.prob) <= 1") == "true")
        #expect(s.fails("predict(m, \"x\", top: 0)", "ValueError").contains("argument 'top'"))
    }

    @Test func saveAndLoadModelRoundTrip() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m1").path
        let s = tinyModelSession()
        s.ok("save(m, \"\(path)\")")
        for file in ["model.safetensors", "config.json", "tokenizer.json"] {
            #expect(FileManager.default.fileExists(atPath: path + "/" + file))
        }
        s.ok("m2 = load_model(\"\(path)\")")
        #expect(s.ok("params(m2) == params(m) and m2.vocab == m.vocab and not m2.latent") == "true")
        #expect(s.ok("m2").contains("loaded from"))
        #expect(s.ok("predict(m2, \"Question: \").prob == predict(m, \"Question: \").prob") == "true")
        #expect(s.ok("tokenize(m2, d[1].question) == tokenize(m, d[1].question)") == "true")
    }

    @Test func modelErrorsNameTheArgument() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = engineSession()
        s.ok("d = arith(n: 4)")
        #expect(s.fails("model(d, dim: 30, heads: 4)", "ValueError").contains("model: argument 'heads' must divide dim"))
        #expect(s.fails("model(d, dim: 12, heads: 4)", "ValueError").contains("even head size"))
        #expect(s.fails("model(d, layers: 0)", "ValueError").contains("model: argument 'layers'"))
        #expect(s.fails("model([1, 2])", "TypeError").contains("model: argument 'data' must be a dataset"))
        #expect(s.fails("load_model(\"/nonexistent/model/dir\")", "IOError").contains("load_model: argument 'dir'"))
        #expect(s.fails("load_model(\"\(dir.path)\")", "IOError").contains("load_model: argument 'dir'"))
        #expect(s.fails("params(3)", "TypeError").contains("params: argument 'model'"))
        #expect(s.fails("model(d, number_digits: 4)", "ValueError").contains("model: argument 'number_digits' must be 1"))
        #expect(s.fails("model(d, number_digits: 0)", "ValueError").contains("argument 'number_digits'"))
        #expect(s.fails("model(d, reversed_numbers: 1)", "TypeError").contains("model: argument 'reversed_numbers'"))
    }

    @Test func wholeNumberTokensSurviveSaveAndLoad() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m3").path
        let s = engineSession()
        s.ok("d = arith(n: 8, seed: 2)")
        s.ok("m = model(d, dim: 16, layers: 1, heads: 2, number_digits: 3)")
        #expect(s.ok("len(tokenize(m, \"<<12+7=19>>\"))") == "7")
        #expect(s.ok("len(tokenize(m, \"1005\"))") == "2")
        #expect(s.ok("detokenize(m, tokenize(m, \"1005 and 07\"))") == "\"1005 and 07\"")
        #expect(s.ok("m.vocab > 1000") == "true")
        #expect(s.ok("m.number_digits") == "3")
        #expect(s.ok("m.origin").contains("number_digits: 3"))
        s.ok("save(m, \"\(path)\")")
        s.ok("m2 = load_model(\"\(path)\")")
        #expect(s.ok("tokenize(m2, \"<<729+9=738>>\") == tokenize(m, \"<<729+9=738>>\")") == "true")
        #expect(s.ok("len(tokenize(m2, \"738\"))") == "1")
        #expect(s.ok("m2.number_digits") == "3")
    }

    @Test func reversedNumbersSurviveSaveAndLoad() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mr").path
        let s = engineSession()
        s.ok("d = arith(n: 8, seed: 2)")
        // Numbers least significant digit first are the default; the paper's reading is one argument away.
        s.ok("m = model(d, dim: 16, layers: 1, heads: 2)")
        s.ok("p = model(d, dim: 16, layers: 1, heads: 2, reversed_numbers: false)")
        #expect(s.ok("tokenize(m, \"<<12+7=19>>\") == tokenize(p, \"<<21+7=91>>\")") == "true")
        #expect(s.ok("detokenize(m, tokenize(m, \"1005 and 07\"))") == "\"1005 and 07\"")
        #expect(s.ok("m.reversed_numbers") == "true")
        #expect(s.ok("p.reversed_numbers") == "false")
        #expect(!s.ok("m.origin").contains("reversed_numbers") && s.ok("p.origin").contains("reversed_numbers: false"))
        s.ok("save(m, \"\(path)\")")
        s.ok("m2 = load_model(\"\(path)\")")
        #expect(s.ok("m2.reversed_numbers") == "true")
        #expect(s.ok("tokenize(m2, \"<<729+9=738>>\") == tokenize(m, \"<<729+9=738>>\")") == "true")
    }
}

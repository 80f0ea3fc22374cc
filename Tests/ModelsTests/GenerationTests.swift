@testable import Models
import TensorCore
import Testing

@Suite struct GenerationTests {
    /// Greedy continuation computed the slow way: a full forward per new token.
    func slowGreedy(_ model: LlamaModel, _ prompt: [Int], steps: Int, stop: Int) throws -> [Int] {
        var ids = prompt
        var out: [Int] = []
        for _ in 0..<steps {
            let logits = try Autograd.withoutGrad { try model.forward(TokenBatch(rows: [ids], padID: 0)).logits }
            let row = Fixtures.logits(logits, row: 0, position: ids.count - 1)
            let next = row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }!
            if next == stop { break }
            out.append(next)
            ids.append(next)
        }
        return out
    }

    @Test func batchedGreedyMatchesOneAtATime() throws {
        let model = try Fixtures.tinyModel(seed: 3)
        let prompts = [[1, 4, 9, 3], [1, 7], [1, 5, 5, 6, 8, 2, 10]]
        let results = try model.generate(prompts: prompts, maximumNewTokens: 6, stopTokens: [2], batchSize: 2)
        for (prompt, result) in zip(prompts, results) {
            let expected = try slowGreedy(model, prompt, steps: 6, stop: 2)
            #expect(result.tokens == expected)
            #expect(result.stopped == (expected.count < 6))
        }
    }

    @Test func samplingIsSeeded() throws {
        let model = try Fixtures.tinyModel(seed: 3)
        let prompts = [[1, 4], [1, 7, 3]]
        let a = try model.generate(prompts: prompts, maximumNewTokens: 8, temperature: 1.5, seed: 42, stopTokens: [])
        let b = try model.generate(prompts: prompts, maximumNewTokens: 8, temperature: 1.5, seed: 42, stopTokens: [])
        let c = try model.generate(prompts: prompts, maximumNewTokens: 8, temperature: 1.5, seed: 43, stopTokens: [])
        #expect(a == b)
        #expect(a != c)
        #expect(a.allSatisfy { $0.tokens.count == 8 && !$0.stopped })
    }

    @Test func rejectsBadRequests() throws {
        let model = try Fixtures.tinyModel()
        #expect(throws: ModelError.self) { try model.generate(prompts: [[]], maximumNewTokens: 3) }
        #expect(throws: ModelError.self) { try model.generate(prompts: [[1]], maximumNewTokens: 3, temperature: -1) }
        #expect(throws: ModelError.self) { try model.generate(prompts: [[1, 99]], maximumNewTokens: 3) }
    }
}

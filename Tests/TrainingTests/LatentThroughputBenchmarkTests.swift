import Foundation
import Testing
@testable import Models
@testable import Training

@Suite struct LatentThroughputBenchmarkTests {
    /// Tiny sizes: the measurement runs, its adaptive generations reach their cap (the run
    /// throws otherwise), and the JSON line carries both figures as positive numbers.
    @Test func measuresLatentAndDecodeSteps() throws {
        var o = LatentThroughputBenchmark.Options()
        (o.shape.vocabulary, o.shape.dimension, o.shape.layers, o.shape.heads, o.shape.hidden) = (16, 8, 1, 2, 12)
        (o.promptLength, o.latentSteps, o.warmup, o.steps, o.shape.threads) = (4, 3, 0, 2, 1)
        let result = try LatentThroughputBenchmark.run(o)
        #expect(result.latentStepsPerSecond > 0 && result.latentStepsPerSecond.isFinite)
        #expect(result.decodeStepsPerSecond > 0 && result.decodeStepsPerSecond.isFinite)
        let object = try JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["engine", "threads", "params", "latent_steps_per_s", "decode_steps_per_s"])
        #expect(object?["params"] as? Int == result.parameters)
    }

    @Test func badOptionsAreRefused() {
        var o = LatentThroughputBenchmark.Options()
        o.shape.vocabulary = 4
        #expect(throws: ModelError.self) { try LatentThroughputBenchmark.run(o) }
    }
}

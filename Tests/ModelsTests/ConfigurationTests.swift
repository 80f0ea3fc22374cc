import Testing
@testable import Models

@Suite struct ConfigurationTests {
    @Test func calibrationSizes() throws {
        let c = LlamaConfiguration(vocabularySize: 387)
        try c.validate()
        #expect(c.mlpHiddenSize == 352)
        #expect(c.headDimension == 32)
        #expect(c.parameterCount == 853_504)
        let model = try LlamaModel(configuration: c, seed: 0)
        #expect(model.parameterCount == 853_504)
    }

    @Test func defaultMLPWidthIsAMultipleOf32NearEightThirds() {
        #expect(LlamaConfiguration.defaultMLPHiddenSize(dimension: 64) == 192)
        #expect(LlamaConfiguration.defaultMLPHiddenSize(dimension: 256) == 704)
        #expect(LlamaConfiguration.defaultMLPHiddenSize(dimension: 2048) == 5472)
    }

    @Test(arguments: [
        (LlamaConfiguration(vocabularySize: 0), "vocabularySize must be positive"),
        (LlamaConfiguration(vocabularySize: 10, dimension: 130, heads: 4), "not divisible by heads"),
        (LlamaConfiguration(vocabularySize: 10, dimension: 12, heads: 4), "must be even for rotary"),
        (LlamaConfiguration(vocabularySize: 10, layers: -1), "layers must be positive"),
        (LlamaConfiguration(vocabularySize: 10, heads: 0), "heads must be positive"),
        (LlamaConfiguration(vocabularySize: 10, maximumLength: 0), "maximumLength must be positive"),
        (LlamaConfiguration(vocabularySize: 10, normEpsilon: 0), "normEpsilon"),
        (LlamaConfiguration(vocabularySize: 10, ropeTheta: .nan), "ropeTheta"),
        (LlamaConfiguration(vocabularySize: 10, eosTokenID: 10), "eosTokenID 10 is outside"),
        (LlamaConfiguration(vocabularySize: 10, dimension: 1 << 32), "dimension is 4294967296, above the limit of 65536"),
        (LlamaConfiguration(vocabularySize: 10, maximumLength: 1_000_000_000_000_000),
         "maximumLength is 1000000000000000, above the limit of 1048576"),
        (LlamaConfiguration(vocabularySize: 10, layers: 1 << 40), "layers is 1099511627776, above the limit of 1024"),
        (LlamaConfiguration(vocabularySize: Int.max), "vocabularySize is 9223372036854775807, above the limit"),
        (LlamaConfiguration(vocabularySize: 10, mlpHiddenSize: 1 << 62), "mlpHiddenSize is 4611686018427387904"),
    ])
    func impossibleValuesAreNamed(configuration: LlamaConfiguration, fragment: String) {
        do {
            try configuration.validate()
            Issue.record("expected an error mentioning \(fragment)")
        } catch {
            #expect("\(error)".contains(fragment), "\(error)")
        }
        #expect(throws: ModelError.self) { try LlamaModel(configuration: configuration) }
    }

    @Test func aModelThatWouldNotFitInMemoryIsRefusedWithTheEstimate() {
        // Within every limit, but the 2²¹ × 2¹⁶ embedding alone takes 512 GiB, 576 GiB with the layer.
        let c = LlamaConfiguration(vocabularySize: 1 << 21, dimension: 1 << 16, layers: 1, heads: 1 << 8,
                                   mlpHiddenSize: 64, maximumLength: 16)
        do {
            _ = try LlamaModel(configuration: c)
            Issue.record("a 512 GiB model was built")
        } catch let ModelError.outOfMemory(message) {
            #expect(message.contains("needs about 576.0 GiB"), "\(message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func anInterruptedBuildStopsBetweenLayers() {
        var asked = 0
        #expect(throws: ModelError.interrupted) {
            try LlamaModel(configuration: LlamaConfiguration(vocabularySize: 20, dimension: 8, layers: 4, heads: 2)) {
                asked += 1
                return asked == 2
            }
        }
        #expect(asked == 2)
    }

    @Test func codableRoundTrip() throws {
        let c = LlamaConfiguration(vocabularySize: 99, dimension: 64, layers: 3, heads: 2)
        let data = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(LlamaConfiguration.self, from: data) == c)
    }
}

import Foundation

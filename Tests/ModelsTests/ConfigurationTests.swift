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

    @Test func codableRoundTrip() throws {
        let c = LlamaConfiguration(vocabularySize: 99, dimension: 64, layers: 3, heads: 2)
        let data = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(LlamaConfiguration.self, from: data) == c)
    }
}

import Foundation

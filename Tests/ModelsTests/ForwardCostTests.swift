@testable import Models
import Testing

/// Forward FLOPs of inference, counted by hand for a small configuration.
@Suite struct ForwardCostTests {
    @Test func aPositionCostsItsProjectionsItsMLPAndItsAttention() throws {
        let (model, tokenizer) = try LatentModelTests.latentModel()   // d 8, 2 layers, MLP 16
        let c = model.base.configuration
        // Per block: 2·4·64 (q, k, v, o) + 2·3·8·16 (SwiGLU) + 2·2·8·context (scores and values).
        #expect(c.positionFLOPs(context: 1) == 2.0 * 1312)
        #expect(c.positionFLOPs(context: 5) == 2.0 * 1440)
        #expect(c.headFLOPs == 2 * 8 * Double(tokenizer.count))
    }

    @Test func aLatentStepAddsTheFilterADecoderPositionAndTheStopHead() throws {
        let (model, _) = try LatentModelTests.latentModel()
        let c = model.base.configuration
        let none = model.inferenceFLOPs(promptLength: 3, latentSteps: 0, answerTokens: 2)
        // Prompt positions 1…3, the stop head, then <END> and one fed answer token (positions 4, 5), each with the head.
        let prompt: Double = (1...3).map { c.positionFLOPs(context: $0) }.reduce(0, +)
        let stopHead: Double = 2 * 8 * 2
        let answer: Double = (4...5).map { c.positionFLOPs(context: $0) + c.headFLOPs }.reduce(0, +)
        let expected = prompt + stopHead + answer
        #expect(none == expected)
        // One latent step (filter 2·2·64, a decoder position, the stop head) shifts <END> and the answer one
        // position later: the difference is the filter, the stop head and a position at the new last context.
        let one = model.inferenceFLOPs(promptLength: 3, latentSteps: 1, answerTokens: 2)
        #expect(one - none == 256 + 32 + c.positionFLOPs(context: 6))
    }
}

import Datasets
import Foundation
@testable import Models
import TensorCore
import Testing

/// Temperature sampling of stop decisions and answer tokens, and the recomputation of their
/// log-probabilities through the latent recurrence.
@Suite struct LatentSamplingTests {
    static let prompts = [[1, 12, 13, 4], [1, 14, 4], [1, 15, 12, 13, 14, 4], [1, 4]]
    static let settings = LatentSamplingSettings(temperature: 1.5, headTemperature: 3, latentCap: 4, maximumAnswerTokens: 6)

    @Test func sameSeedSameSamplesWhateverTheBatch() throws {
        let (model, _) = try LatentModelTests.latentModel(seed: 4, scale: 4)
        let many = (0..<12).map { Self.prompts[$0 % 4] }
        let a = try model.sample(prompts: many, settings: Self.settings, seed: 9)
        let b = try model.sample(prompts: many, settings: Self.settings, seed: 9, batchSize: 5)
        // The same draws; their log-probabilities agree to float rounding only, because products
        // with a different number of rows may run on different GEMM kernels (OpenBLAS picks its
        // kernel by size, and products of 32 rows or more run on the engine's packed kernel).
        #expect(a.map { $0.actions(model.tokens) } == b.map { $0.actions(model.tokens) })
        #expect(a.map(\.latentSteps) == b.map(\.latentSteps) && a.map(\.endedWithEOS) == b.map(\.endedWithEOS))
        for (x, y) in zip(a, b) {
            #expect(zip(x.logProbabilities + x.stopEntropies, y.logProbabilities + y.stopEntropies)
                .allSatisfy { abs($0 - $1) < 1e-5 })
        }
        let c = try model.sample(prompts: many, settings: Self.settings, seed: 10)
        #expect(a != c, "another seed draws other completions")
        // The same prompt in different rows draws independently.
        #expect(Set(a.enumerated().filter { $0.offset % 4 == 1 }.map { $0.element.actions(model.tokens) }).count > 1)
    }

    @Test func samplesAreWellShaped() throws {
        let (model, tokenizer) = try LatentModelTests.latentModel(seed: 4, scale: 4)
        let out = try model.sample(prompts: (0..<40).map { Self.prompts[$0 % 4] }, settings: Self.settings, seed: 1)
        for s in out {
            #expect(s.logProbabilities.count == s.actionCount && s.stopEntropies.count == s.latentSteps + 1)
            #expect(s.logProbabilities.allSatisfy { $0 <= 0 && $0.isFinite })
            #expect(s.latentSteps <= 4)
            if s.stopped {
                #expect(!s.tokens.isEmpty && s.tokens.count <= 6)
                #expect(s.endedWithEOS == (s.tokens.last == tokenizer.eosID))
                #expect(!s.tokens.dropLast().contains(tokenizer.eosID))
                #expect(!s.tokens.contains { [tokenizer.continueID, tokenizer.stopID, tokenizer.endID].contains($0) })
            } else {
                #expect(s.latentSteps == 4 && s.tokens.isEmpty, "CONTINUE at the cap ends the completion")
            }
        }
        #expect(Set(out.map(\.latentSteps)).count > 2, "head temperature 3 explores lengths")
        #expect(throws: ModelError.self) { try model.sample(prompts: [[1, 12]], seed: 0) }
        #expect(throws: ModelError.self) { try model.sample(prompts: [[1, 4]], settings: LatentSamplingSettings(temperature: 0), seed: 0) }
    }

    /// The first decision's STOP frequency over many draws matches the head's probability.
    @Test func stopFrequencyMatchesTheHead() throws {
        let (model, _) = try LatentModelTests.latentModel(seed: 4, scale: 4)
        let prompt = Self.prompts[2]
        let trace = try model.generate(prompts: [prompt], policy: .forced(0), maximumAnswerTokens: 1, trace: true)[0].trace[0]
        let n = 3000
        let settings = LatentSamplingSettings(latentCap: 0, maximumAnswerTokens: 1)
        let out = try model.sample(prompts: [[Int]](repeating: prompt, count: n), settings: settings, seed: 3, batchSize: 1000)
        let frequency = Double(out.filter(\.stopped).count) / Double(n)
        let p = trace.stopProbability
        #expect(p > 0.05 && p < 0.95, "the fixture should make both decisions likely (p = \(p))")
        #expect(abs(frequency - p) < 4 * (p * (1 - p) / Double(n)).squareRoot(), "\(frequency) vs \(p)")
        let logp = out.first(where: \.stopped)!.logProbabilities[0]
        #expect(abs(logp - Foundation.log(p)) < 1e-5)
    }

    @Test func recomputedLogProbabilitiesEqualSamplingTime() throws {
        let (model, _) = try LatentModelTests.latentModel(seed: 4, scale: 4)
        let prompts = (0..<16).map { Self.prompts[$0 % 4] }
        let samples = try model.sample(prompts: prompts, settings: Self.settings, seed: 5)
        #expect(Set(samples.map(\.actionCount)).count > 2, "completions of different lengths")
        let scored = try model.actionLogProbabilities(prompts: prompts, samples: samples, settings: Self.settings)
        #expect(scored.values.count == samples.map(\.actionCount).reduce(0, +))
        for (i, s) in samples.enumerated() {
            let again = scored.logProbabilities(of: i)
            #expect(again.count == s.logProbabilities.count)
            for (x, y) in zip(again, s.logProbabilities) { #expect(abs(x - y) < 1e-4 * max(1, abs(y)), "completion \(i): \(again) vs \(s.logProbabilities)") }
        }
        // Without autograd (the preallocated-cache path) the values are the same.
        let plain = try Autograd.withoutGrad { try model.actionLogProbabilities(prompts: prompts, samples: samples, settings: Self.settings) }
        #expect(plain.indices == scored.indices)
        #expect(zip(plain.values.scalars, scored.values.scalars).allSatisfy { abs($0 - $1) < 1e-4 * max(1, abs($1)) })
        // With autograd on, the sum has a gradient on the stop rows and the filter.
        let total = scored.values.sum()
        total.backward()
        let e = model.base.embedding
        let d = e.dim(1)
        let stopGrad = (0..<d).map { abs(e.grad!.data[model.tokens.stop * d + $0]) }.reduce(0, +)
        #expect(stopGrad > 0)
        #expect(model.filter.parameters().contains { p in (0..<p.count).contains { p.grad!.data[$0] != 0 } })
        for p in model.parameters() { p.zeroGrad() }
    }

    /// A finite difference on one weight agrees with the gradient of the summed log-probabilities.
    @Test func gradientMatchesFiniteDifference() throws {
        let (model, _) = try LatentModelTests.latentModel(seed: 6, scale: 3)
        let prompts = [Self.prompts[0], Self.prompts[2], Self.prompts[0]]   // a shared prompt too
        let samples = try model.sample(prompts: prompts, settings: Self.settings, seed: 2)
        #expect(samples.contains { $0.latentSteps > 0 }, "the filter must be on the path")
        let total = try model.actionLogProbabilities(prompts: prompts, samples: samples, settings: Self.settings).values.sum()
        total.backward()
        let w = model.filter.parameters()[0]
        let i = 3
        let analytic = Double(w.grad!.data[i])
        #expect(abs(analytic) > 1e-6)
        for p in model.parameters() { p.zeroGrad() }
        func value(_ delta: Float) throws -> Double {
            w.data[i] += delta
            defer { w.data[i] -= delta }
            return try Autograd.withoutGrad {
                Double(try model.actionLogProbabilities(prompts: prompts, samples: samples, settings: Self.settings).values.sum().item)
            }
        }
        let h: Float = 1e-2
        let numeric = (try value(h) - value(-h)) / Double(2 * h)
        #expect(abs(analytic - numeric) < 2e-2 * max(1, abs(numeric)), "\(analytic) vs \(numeric)")
    }
}

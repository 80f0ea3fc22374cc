// LatentThroughputBenchmark: the `latent bench latent` measurement — how many adaptive latent
// steps per second inference runs at batch 1, next to plain decoding steps of the same model.
//
// A latent step is what LatentModel.generate does per thinking position: the stop head on the
// newest hidden state (CONTINUE vs STOP), the filter F (Linear → GELU → Linear → LayerNorm) on
// it, and one decoder position fed with F(h) through the key/value cache. The benchmark model has
// the shape of shared/bench/torch_llama_bench.py (random weights, random prompt), with the STOP
// row of the embedding set equal to the CONTINUE row so that the adaptive policy continues up to
// its cap (equal logits mean CONTINUE), which makes the step count known without training.
//
// Measured by difference, so that the prompt's prefill and the answer token are not counted:
// per repetition, one generation with `adaptive(cap: L)` and one with `adaptive(cap: 0)`,
// interleaved; latent steps/s = L / (median time with L − median time with 0).
// The PyTorch peer has no latent mode; its decode step (one position through the cache, no
// filter) is a lower bound on the cost of a torch latent step, so comparing our latent steps/s
// to its decode_steps_per_s understates our ratio.

import Foundation
import Models
import Support
import TensorCore

/// Adaptive latent inference throughput at batch 1.
public enum LatentThroughputBenchmark {
    /// Sizes and repetitions (the model shape defaults are torch_llama_bench.py's).
    public struct Options: Sendable, Equatable {
        public var shape = BenchmarkShape()
        /// Prompt length including the final `<START>` (torch_llama_bench.py decodes after 32).
        public var promptLength = 32
        /// Latent steps per timed generation (the adaptive cap).
        public var latentSteps = 16
        public var warmup = 3
        public var steps = 20
        public init() {}
    }

    /// The measured figures.
    public struct Result: Sendable, Equatable {
        public var engine: String
        public var threads: Int
        public var parameters: Int
        /// Adaptive latent steps per second (stop head + filter + one cached position).
        public var latentStepsPerSecond: Double
        /// Plain decoding steps per second of the same model (one token through the cache).
        public var decodeStepsPerSecond: Double

        /// One JSON object on one line.
        public var json: String {
            "{\"engine\": \"\(engine)\", \"threads\": \(threads), \"params\": \(parameters), "
                + "\"latent_steps_per_s\": \(Int(latentStepsPerSecond.rounded())), "
                + "\"decode_steps_per_s\": \(Int(decodeStepsPerSecond.rounded()))}"
        }
    }

    /// Runs the measurement: `warmup` untimed and `steps` timed repetitions of the pair of
    /// generations (cap L and cap 0), and of `latentSteps` plain decoding steps.
    public static func run(_ o: Options) throws -> Result {
        guard o.shape.vocabulary >= 8, o.promptLength >= 1, o.latentSteps >= 1, o.steps >= 1, o.warmup >= 0 else {
            throw ModelError.invalidInput("latent benchmark needs a vocabulary ≥ 8, a prompt ≥ 1, latent steps ≥ 1 and steps ≥ 1")
        }
        Engine.setThreads(o.shape.threads)
        let v = o.shape.vocabulary
        // The last four ids are the latent markers; 0 is <bos>/<eos>, 1 is padding.
        let tokens = LatentTokens(start: v - 4, end: v - 3, continue: v - 2, stop: v - 1, eos: 0, pad: 1)
        let configuration = o.shape.configuration(maximumLength: o.promptLength + o.latentSteps + 8, padTokenID: 1)
        let base = try LlamaModel(configuration: configuration, seed: 0)
        let model = try LatentModel(base: base, filter: LatentFilter(dimension: o.shape.dimension, seed: 0), tokens: tokens)
        let d = o.shape.dimension
        // STOP's row := CONTINUE's row: equal stop-head logits, so adaptive inference continues to its cap.
        (base.embedding.data + tokens.stop * d).update(from: base.embedding.data + tokens.continue * d, count: d)
        var rng = SplitMix64(seed: 0)
        let prompt = (0..<(o.promptLength - 1)).map { _ in Int.random(in: 2..<(v - 4), using: &rng) } + [tokens.start]

        let (seconds, median) = (BenchmarkClock.seconds, BenchmarkClock.median)
        func generate(cap: Int) throws -> Double {
            try seconds {
                let out = try model.generate(prompts: [prompt], policy: .adaptive(cap: cap), maximumAnswerTokens: 1, batchSize: 1)
                guard out[0].latentSteps == cap else {
                    throw ModelError.invalidInput("the benchmark model stopped after \(out[0].latentSteps) of \(cap) latent steps")
                }
            }
        }
        var withSteps: [Double] = [], without: [Double] = [], decode: [Double] = []
        for rep in 0..<(o.warmup + o.steps) {
            // Alternate the order so that a change of machine speed affects both alike.
            var a = 0.0, b = 0.0
            if rep % 2 == 0 {
                a = try generate(cap: o.latentSteps)
                b = try generate(cap: 0)
            } else {
                b = try generate(cap: 0)
                a = try generate(cap: o.latentSteps)
            }
            let plain = try Autograd.withoutGrad { () throws -> Double in
                let cache = KeyValueCache(for: base, batchSize: 1, capacity: o.promptLength + o.latentSteps)
                _ = try base.forward(TokenBatch(tokens: prompt, batchSize: 1, length: o.promptLength),
                                     cache: cache, lastPositionOnly: true)
                return try seconds {
                    for i in 0..<o.latentSteps {
                        _ = try base.forward(TokenBatch(tokens: [2 + i % (v - 6)], batchSize: 1, length: 1), cache: cache,
                                             lastPositionOnly: true)
                    }
                }
            }
            if rep >= o.warmup {
                withSteps.append(a)
                without.append(b)
                decode.append(plain / Double(o.latentSteps))
            }
        }
        let perStep = max(median(withSteps) - median(without), 1e-9) / Double(o.latentSteps)
        return Result(engine: BLAS.engineDescription, threads: o.shape.threads, parameters: model.parameterCount,
                      latentStepsPerSecond: 1 / perStep, decodeStepsPerSecond: 1 / median(decode))
    }
}

// ThroughputBenchmark: the `latent bench model` measurement, the same protocol as
// shared/bench/torch_llama_bench.py so that the two JSON lines compare directly.

import Foundation
import Models
import Support
import TensorCore

/// Training, forward and decoding throughput of a Llama model on random tokens.
public enum ThroughputBenchmark {
    /// Sizes and repetitions (the defaults are torch_llama_bench.py's).
    public struct Options: Sendable, Equatable {
        public var shape = BenchmarkShape()
        public var sequenceLength = 64
        public var batchSize = 32
        public var warmup = 3
        public var steps = 20
        public init() {}
    }

    /// The measured figures, keyed like the PyTorch script's JSON.
    public struct Result: Sendable, Equatable {
        public var engine: String
        public var threads: Int
        public var parameters: Int
        public var trainTokensPerSecond: Double
        public var inferTokensPerSecond: Double
        public var decodeStepsPerSecond: Double

        /// One JSON object on one line, with the keys of torch_llama_bench.py.
        public var json: String {
            "{\"engine\": \"\(engine)\", \"threads\": \(threads), \"params\": \(parameters), "
                + "\"train_tokens_per_s\": \(Int(trainTokensPerSecond.rounded())), "
                + "\"infer_tokens_per_s\": \(Int(inferTokensPerSecond.rounded())), "
                + "\"decode_steps_per_s\": \(Int(decodeStepsPerSecond.rounded()))}"
        }
    }

    /// Runs the three measurements: the median of `steps` timed repetitions after `warmup`
    /// untimed ones for a training step (forward, loss, backward, AdamW) and a gradient-free
    /// forward over `[batch, seq]`, both split by rows across `threads` workers as the trainers
    /// and the evaluator do; and the median of 16 single-position decoding steps
    /// (batch 1, after a 32-token prompt), timed on the repetition after `warmup` ones.
    public static func run(_ o: Options) throws -> Result {
        Engine.setThreads(o.shape.threads)
        let configuration = o.shape.configuration(maximumLength: max(o.sequenceLength, 48), padTokenID: 0)
        let model = try LlamaModel(configuration: configuration, seed: 0)
        var rng = SplitMix64(seed: 0)
        let data = (0..<(o.batchSize * (o.sequenceLength + 1))).map { _ in Int.random(in: 0..<o.shape.vocabulary, using: &rng) }
        var inputs: [Int] = [], targets: [Int] = []
        for b in 0..<o.batchSize {
            let row = data[(b * (o.sequenceLength + 1))..<((b + 1) * (o.sequenceLength + 1))]
            inputs += row.dropLast()
            targets += row.dropFirst()
        }
        // The trainers' step: the batch's rows split across `threads` workers (DataParallel).
        let parallel = try DataParallel(model: model, workers: o.shape.threads)
        let shards: [(batch: TokenBatch, targets: [Int])] = Sharding.shards(Array(0..<o.batchSize), workers: o.shape.threads).map { rows in
            let l = o.sequenceLength
            return (TokenBatch(tokens: rows.flatMap { inputs[($0 * l)..<(($0 + 1) * l)] }, batchSize: rows.count, length: l),
                    rows.flatMap { targets[($0 * l)..<(($0 + 1) * l)] })
        }
        let optimizer = AdamW(parameters: model.parameters(), weightDecay: 0.1)
        let (seconds, median) = (BenchmarkClock.seconds, BenchmarkClock.median)
        var train: [Double] = []
        for i in 0..<(o.warmup + o.steps) {
            let t = try seconds {
                optimizer.zeroGrad()
                _ = try parallel.lossAndGradients(shards, targetTokens: { $0.targets.count }) { m, shard in
                    ModelOps.crossEntropy(logits: try m.forward(shard.batch).logits, targets: shard.targets)
                }
                optimizer.step(learningRate: 1e-3)
            }
            if i >= o.warmup { train.append(t) }
        }
        var infer: [Double] = []
        for i in 0..<(o.warmup + o.steps) {
            let t = try seconds { try parallel.forward(shards.map(\.batch)) }
            if i >= o.warmup { infer.append(t) }
        }
        var decode: [Double] = []
        let prompt = TokenBatch(tokens: Array(data[0..<32]), batchSize: 1, length: 32)
        let token = TokenBatch(tokens: [data[32]], batchSize: 1, length: 1)
        try Autograd.withoutGrad {
            for rep in 0...o.warmup {
                let cache = KeyValueCache(for: model, batchSize: 1, capacity: 48)
                _ = try model.forward(prompt, cache: cache, lastPositionOnly: true)
                for _ in 0..<16 {
                    let t = try seconds { _ = try model.forward(token, cache: cache, lastPositionOnly: true) }
                    if rep == o.warmup { decode.append(t) }
                }
            }
        }
        let tokens = Double(o.batchSize * o.sequenceLength)
        return Result(
            engine: BLAS.engineDescription, threads: o.shape.threads, parameters: model.parameterCount,
            trainTokensPerSecond: tokens / median(train), inferTokensPerSecond: tokens / median(infer),
            decodeStepsPerSecond: 1 / median(decode))
    }
}

/// Timing helpers of the throughput benchmarks.
enum BenchmarkClock {
    /// Wall-clock seconds that `body` takes.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// The median of `xs` (not empty).
    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

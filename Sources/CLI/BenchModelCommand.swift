// `latent bench model`: the Models module's Llama decoder measured exactly like
// shared/bench/torch_llama_bench.py (same flags, defaults and JSON keys), so the two lines can
// be compared directly: train tokens/s (forward + loss + backward + AdamW, median step),
// forward tokens/s without grad (median), decode steps/s (batch 1, KV cache, after a 32-token
// prompt, median of 16 steps).

import ArgumentParser
import Foundation
import Training

struct BenchModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Llama model train / forward / decode throughput, as torch_llama_bench.py measures it.")

    @OptionGroup var shape: ModelShapeOptions
    @Option(help: "Sequence length of the training and forward batches.") var seq = 64
    @Option(help: "Sequences per batch.") var batch = 32
    @Option(help: "Untimed repetitions first.") var warmup = 3
    @Option(help: "Timed repetitions (the median is reported).") var steps = 20

    func validate() throws {
        if [seq, batch, steps].contains(where: { $0 < 1 }) || warmup < 0 {
            throw ValidationError("--seq, --batch and --steps must be positive and --warmup at least 0")
        }
        if batch * (seq + 1) < 33 { throw ValidationError("--batch × (--seq + 1) must be at least 33 (the decode prompt)") }
    }

    func run() throws {
        var o = ThroughputBenchmark.Options()
        o.shape = shape.benchmarkShape
        o.sequenceLength = seq
        o.batchSize = batch
        o.warmup = warmup
        o.steps = steps
        print(try ThroughputBenchmark.run(o).json)
    }
}

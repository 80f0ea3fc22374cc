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

    @Option(help: "Threads for OpenBLAS and the engine's kernels.") var threads = 2
    @Option(help: "Vocabulary size.") var vocab = 256
    @Option(help: "Model width.") var dim = 128
    @Option(help: "Transformer blocks.") var layers = 4
    @Option(help: "Attention heads.") var heads = 4
    @Option(help: "SwiGLU hidden width.") var hidden = 352
    @Option(help: "Sequence length of the training and forward batches.") var seq = 64
    @Option(help: "Sequences per batch.") var batch = 32
    @Option(help: "Untimed repetitions first.") var warmup = 3
    @Option(help: "Timed repetitions (the median is reported).") var steps = 20

    func validate() throws {
        if [threads, vocab, dim, layers, heads, hidden, seq, batch, steps].contains(where: { $0 < 1 }) || warmup < 0 {
            throw ValidationError("sizes, --threads and --steps must be positive and --warmup at least 0")
        }
        if dim % heads != 0 || (dim / heads) % 2 != 0 {
            throw ValidationError("--dim must be divisible by --heads with an even head size, got \(dim) and \(heads)")
        }
        if batch * (seq + 1) < 33 { throw ValidationError("--batch × (--seq + 1) must be at least 33 (the decode prompt)") }
    }

    func run() throws {
        var o = ThroughputBenchmark.Options()
        o.threads = threads
        o.vocabulary = vocab
        o.dimension = dim
        o.layers = layers
        o.heads = heads
        o.hidden = hidden
        o.sequenceLength = seq
        o.batchSize = batch
        o.warmup = warmup
        o.steps = steps
        print(try ThroughputBenchmark.run(o).json)
    }
}

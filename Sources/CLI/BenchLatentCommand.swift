// `latent bench latent`: adaptive latent inference at batch 1 — latent steps per second (stop
// head, filter F, one cached position) next to plain decoding steps of the same model, at the
// shape of shared/bench/torch_llama_bench.py. The measurement is LatentThroughputBenchmark's.

import ArgumentParser
import Foundation
import Training

struct BenchLatentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Adaptive latent inference steps/s at batch 1 (and plain decode steps/s of the same model).")

    @OptionGroup var shape: ModelShapeOptions
    @Option(help: "Prompt length, ending in <START>.") var prompt = 32
    @Option(help: "Latent steps per timed generation.") var latentSteps = 16
    @Option(help: "Untimed repetitions first.") var warmup = 3
    @Option(help: "Timed repetitions (medians are reported).") var steps = 20

    func validate() throws {
        if [prompt, latentSteps, steps].contains(where: { $0 < 1 }) || warmup < 0 {
            throw ValidationError("--prompt, --latent-steps and --steps must be positive and --warmup at least 0")
        }
        if shape.vocab < 8 { throw ValidationError("--vocab must be at least 8 (four ids are the latent markers), got \(shape.vocab)") }
    }

    func run() throws {
        var o = LatentThroughputBenchmark.Options()
        o.shape = shape.benchmarkShape
        (o.promptLength, o.latentSteps, o.warmup, o.steps) = (prompt, latentSteps, warmup, steps)
        print(try LatentThroughputBenchmark.run(o).json)
    }
}

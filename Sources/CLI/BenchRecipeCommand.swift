// `latent bench distill` and `latent bench rl`: optimizer steps per second of the default
// distillation recipe and of the default GRPO recipe (RecipeBenchmark), one JSON line like
// `latent bench model`'s; with --profile, the op-level profile of the timed steps is printed as a
// table first and added to the JSON line under "profile".

import ArgumentParser
import Foundation
import Training

/// The options both recipe benchmarks share.
struct RecipeBenchOptions: ParsableArguments {
    /// The model shape (its --vocab must stay at the default: the tokenizer's vocabulary is used).
    @OptionGroup var shape: ModelShapeOptions
    @Option(help: "Problems of results-only arith(steps: 1...4, seed: 1) to draw batches from.") var examples = 2000
    @Option(help: "Untimed steps first (default: 10 for distill, 1 for rl).") var warmup: Int?
    @Option(help: "Timed steps; the median is reported (default: 100 for distill, 5 for rl).") var steps: Int?
    @Flag(help: "Profile the timed steps: time per op kind, forward and backward apart.") var profile = false

    func validate() throws {
        if shape.vocab != ModelShapeOptions.defaultVocab {
            throw ValidationError("--vocab does not apply here: the recipe benchmarks use their tokenizer's vocabulary")
        }
        if examples < 10 { throw ValidationError("--examples must be at least 10, got \(examples)") }
        if let warmup, warmup < 1 { throw ValidationError("--warmup must be at least 1, got \(warmup)") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
    }

    func run(_ workload: RecipeBenchmark.Workload) throws {
        var o = RecipeBenchmark.Options(workload)
        o.shape = shape.benchmarkShape
        o.examples = examples
        if let warmup { o.warmup = warmup }
        if let steps { o.steps = steps }
        o.profile = profile
        let result = try RecipeBenchmark.run(workload, o)
        if let report = result.profile {
            print("profile of \(report.steps) \(workload.rawValue) steps (measured median \(String(format: "%.3f", result.medianSeconds * 1e3)) ms, "
                  + "mean \(String(format: "%.3f", result.meanSeconds * 1e3)) ms per step):")
            print(report.table)
        }
        print(result.json)
    }
}

struct BenchDistillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Steps/s of the default distillation recipe's step (a fresh model, batch 4, 6 latent steps).")

    @OptionGroup var options: RecipeBenchOptions

    func run() throws { try options.run(.distill) }
}

struct BenchRLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rl",
        abstract: "Steps/s of the default GRPO recipe's step (a fresh model, 8 prompts × 16 samples).")

    @OptionGroup var options: RecipeBenchOptions

    func run() throws { try options.run(.rl) }
}

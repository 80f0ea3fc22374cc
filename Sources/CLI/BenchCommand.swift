// `latent bench …`: engine and model benchmarks. This file holds the command group and the
// shared timing helpers; each benchmark is its own subcommand in a Bench*.swift file
// (add it to `subcommands` below).

import ArgumentParser
import Foundation
import TensorCore
import Training

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure engine and model throughput.",
        subcommands: [BenchOpsCommand.self, BenchBlockCommand.self, BenchModelCommand.self, BenchLatentCommand.self, BenchDistillCommand.self, BenchRLCommand.self,
                      BenchLangCommand.self])
}

/// Options every benchmark shares.
struct BenchOptions: ParsableArguments {
    @Option(help: "Threads for OpenBLAS and the engine's kernels (default: OPENBLAS_NUM_THREADS or 2).")
    var threads: Int?

    @Option(help: "Minimum measuring time per case, in seconds.")
    var seconds: Double = 0.3

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if seconds <= 0 { throw ValidationError("--seconds must be positive, got \(seconds)") }
    }

    /// Applies the thread setting and returns the count in use.
    func applyThreads() -> Int {
        let n = threads ?? Engine.defaultThreads
        Engine.setThreads(n)
        return n
    }
}

/// The model shape of shared/bench/torch_llama_bench.py (same flags, same defaults), shared by
/// `latent bench model` and `latent bench latent`.
struct ModelShapeOptions: ParsableArguments {
    @Option(help: "Threads for OpenBLAS and the engine's kernels.") var threads = 2
    /// torch_llama_bench.py's vocabulary.
    static let defaultVocab = 256
    @Option(help: "Vocabulary size.") var vocab = ModelShapeOptions.defaultVocab
    @Option(help: "Model width.") var dim = 128
    @Option(help: "Transformer blocks.") var layers = 4
    @Option(help: "Attention heads.") var heads = 4
    @Option(help: "SwiGLU hidden width.") var hidden = 352

    func validate() throws {
        if [threads, vocab, dim, layers, heads, hidden].contains(where: { $0 < 1 }) {
            throw ValidationError("--threads and the model sizes must be positive")
        }
        if dim % heads != 0 || (dim / heads) % 2 != 0 {
            throw ValidationError("--dim must be divisible by --heads with an even head size, got \(dim) and \(heads)")
        }
    }

    /// The flags as the benchmarks take them.
    var benchmarkShape: BenchmarkShape {
        var s = BenchmarkShape()
        (s.threads, s.vocabulary, s.dimension, s.layers, s.heads, s.hidden) = (threads, vocab, dim, layers, heads, hidden)
        return s
    }
}

/// Timing of repeated runs of one case.
struct Timing {
    /// Seconds per run: the median over batches of runs.
    var secondsPerRun: Double

    /// Runs `body` once to warm up, then in batches until `minimumSeconds` have passed;
    /// reports the median batch time per run (robust to the other work on a shared machine).
    static func measure(minimumSeconds: Double, _ body: () -> Void) -> Timing {
        body()
        let clock = ContinuousClock()
        // Size batches so that one batch takes about a tenth of the budget.
        let once = clock.measure(body).seconds
        let perBatch = max(1, Int(minimumSeconds / 10 / max(once, 1e-7)))
        var samples: [Double] = []
        var total = 0.0
        while total < minimumSeconds || samples.count < 5 {
            let t = clock.measure { for _ in 0..<perBatch { body() } }.seconds
            samples.append(t / Double(perBatch))
            total += t
        }
        samples.sort()
        return Timing(secondsPerRun: samples[samples.count / 2])
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}

/// Renders rows as an aligned text table: the first column and those in `leftAligned` are
/// left-aligned, the others (numbers) right-aligned.
func renderTable(_ header: [String], _ rows: [[String]], leftAligned: Set<Int> = []) -> String {
    let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { c, s in
            c == 0 || leftAligned.contains(c) ? s.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                   : String(repeating: " ", count: widths[c] - s.count) + s
        }.joined(separator: "  ")
    }
    return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
}

/// Formats `value` with `digits` decimals.
func fixed(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

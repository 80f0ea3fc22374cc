// `latent tensors …`: inspect safetensors files (checkpoints) and write a demo file.

import ArgumentParser
import Foundation
import ModelFiles
import Support
import TensorCore

struct TensorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensors",
        abstract: "Inspect and write safetensors files.",
        subcommands: [Show.self, Demo.self])
}

extension TensorsCommand {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tensors of a safetensors file: shape, statistics, first values.",
            discussion: "A damaged file is refused with the reason (truncated, bad offsets, dtype, …).")

        @Argument(help: "The .safetensors file.")
        var file: String

        @Flag(help: "Print JSON: metadata and, per tensor, shape, statistics and values.")
        var json = false

        @Option(help: "How many leading values to print per tensor.")
        var values: Int = 6

        @Flag(help: "Print every value (with --json, for exact comparisons).")
        var allValues = false

        func validate() throws {
            if values < 0 { throw ValidationError("--values must be ≥ 0") }
        }

        func run() throws {
            let contents = try SafeTensors.read(from: URL(fileURLWithPath: file))
            let names = contents.names
            if json {
                var tensors: [[String: Any]] = []
                for name in names {
                    let t = contents.tensors[name]!
                    let s = TensorStatistics(t)
                    let shown = allValues ? t.scalars : Array(t.scalars.prefix(values))
                    tensors.append(["name": name, "shape": t.shape, "count": t.count, "sum": jsonNumber(s.sum),
                                    "mean": jsonNumber(s.mean), "min": jsonNumber(s.min), "max": jsonNumber(s.max),
                                    "l2": jsonNumber(s.l2), "values": shown.map { jsonNumber(Double($0)) }])
                }
                let object: [String: Any] = ["file": file, "metadata": contents.metadata, "tensors": tensors]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            let total = contents.tensors.values.reduce(0) { $0 + $1.count }
            print("\(file): \(names.count) tensors, \(total) values (F32)")
            for (k, v) in contents.metadata.sorted(by: { $0.key < $1.key }) { print("  metadata \(k) = \(v)") }
            let rows = names.map { name -> [String] in
                let t = contents.tensors[name]!
                let s = TensorStatistics(t)
                let shown = (allValues ? t.scalars : Array(t.scalars.prefix(values))).map { "\($0)" }.joined(separator: " ")
                return [name, "\(t.shape)", fixed(s.mean, 5), fixed(s.min, 5), fixed(s.max, 5), fixed(s.l2, 5),
                        shown + (!allValues && t.count > values ? " …" : "")]
            }
            print(renderTable(["name", "shape", "mean", "min", "max", "l2", "values"], rows, leftAligned: [6]))
        }
    }

    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a small deterministic safetensors file (for format checks).",
            discussion: """
                Tensors: demo.weight [3, 4] ~ N(0, 1) from seed 7, demo.bias [4] = 0 1 2 3, \
                demo.scalar [] = π, demo.empty [0, 2]; metadata producer=latent.
                """)

        @Argument(help: "Where to write the file.")
        var output: String

        @Option(help: "Seed of demo.weight.")
        var seed: UInt64 = 7

        func run() throws {
            var rng = SplitMix64(seed: seed)
            let tensors: [String: Tensor] = [
                "demo.weight": Tensor.randomNormal([3, 4], rng: &rng),
                "demo.bias": Tensor([0, 1, 2, 3], shape: [4]),
                "demo.scalar": Tensor(scalar: Float(Double.pi)),   // nearest Float (Float.pi rounds down)
                "demo.empty": Tensor(zeros: [0, 2]),
            ]
            try SafeTensors.write(tensors, metadata: ["producer": "latent", "seed": "\(seed)"],
                                  to: URL(fileURLWithPath: output))
            print("wrote \(output): \(tensors.count) tensors")
        }
    }
}

/// Summary statistics of a tensor, accumulated in Double.
struct TensorStatistics {
    var sum = 0.0, mean = 0.0, min = 0.0, max = 0.0, l2 = 0.0

    init(_ t: Tensor) {
        guard t.count > 0 else { return }
        min = .infinity
        max = -.infinity
        var squares = 0.0
        t.withUnsafeBufferPointer { b in
            for v in b {
                let d = Double(v)
                sum += d
                squares += d * d
                min = Swift.min(min, d)
                max = Swift.max(max, d)
            }
        }
        mean = sum / Double(t.count)
        l2 = squares.squareRoot()
    }
}

/// A JSON-safe number: finite values as numbers, others as the strings "nan", "inf", "-inf".
func jsonNumber(_ d: Double) -> Any {
    if d.isFinite { return d }
    return d.isNaN ? "nan" : (d > 0 ? "inf" : "-inf")
}

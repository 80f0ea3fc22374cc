// `latent bench ops`: GFLOP/s of the engine's matmul (the Tensor op, allocation included)
// next to raw cblas_sgemm, and the throughput of elementwise kernels.

import ArgumentParser
import Foundation
import TensorCore

struct BenchOpsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops",
        abstract: "Benchmark matmul against raw sgemm, and elementwise kernels.",
        discussion: "Acceptance bar: engine matmul ≥ 90% of raw sgemm GFLOP/s for n ≥ 256.")

    @OptionGroup var options: BenchOptions

    @Option(parsing: .upToNextOption, help: "Square matrix sizes for the matmul rows.")
    var sizes: [Int] = [64, 128, 256, 512, 1024]

    @Option(help: "Element count for the elementwise rows (the rows of width 128 for rmsnorm).")
    var elements: Int = 1 << 20

    func validate() throws {
        if sizes.contains(where: { $0 < 1 }) { throw ValidationError("--sizes must be positive") }
        if elements < 128 || elements % 128 != 0 { throw ValidationError("--elements must be a positive multiple of 128") }
    }

    func run() throws {
        let threads = options.applyThreads()
        var rng = SeededRandom(seed: 1)
        var matmulRows: [[String: Any]] = []
        for n in sizes {
            let a = Tensor.randomNormal([n, n], rng: &rng), b = Tensor.randomNormal([n, n], rng: &rng)
            let c = Tensor(zeros: [n, n])
            let raw = Timing.measure(minimumSeconds: options.seconds) {
                BLAS.gemm(m: n, n: n, k: n, a: a.data, lda: n, b: b.data, ldb: n, c: c.data, ldc: n)
            }
            let engine = Timing.measure(minimumSeconds: options.seconds) {
                _ = Autograd.withoutGrad { matmul(a, b) }
            }
            let flops = 2 * Double(n) * Double(n) * Double(n)
            let (gRaw, gEngine) = (flops / raw.secondsPerRun / 1e9, flops / engine.secondsPerRun / 1e9)
            matmulRows.append(["n": n, "sgemm_gflops": gRaw, "engine_gflops": gEngine, "ratio": gEngine / gRaw])
        }
        let elementRows = elementwise(rng: &rng)
        if options.json {
            let object: [String: Any] = ["threads": threads, "matmul": matmulRows, "elementwise": elementRows]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("threads: \(threads)\n")
        print(renderTable(["matmul n", "sgemm GFLOP/s", "engine GFLOP/s", "engine/sgemm"], matmulRows.map {
            ["\($0["n"]!)", fixed($0["sgemm_gflops"] as! Double), fixed($0["engine_gflops"] as! Double),
             fixed(100 * ($0["ratio"] as! Double)) + "%"]
        }))
        print("")
        print(renderTable(["elementwise (\(elements) elements)", "forward Gelem/s", "forward GB/s", "fwd+bwd Gelem/s"], elementRows.map {
            [$0["op"] as! String, fixed($0["gelem_per_s"] as! Double, 2), fixed($0["gb_per_s"] as! Double, 2),
             fixed($0["fwd_bwd_gelem_per_s"] as! Double, 2)]
        }))
    }

    /// Forward (no grad) and forward+backward throughput of add, mul, silu and rmsnorm.
    func elementwise(rng: inout SeededRandom) -> [[String: Any]] {
        let n = elements
        let x = Tensor.randomNormal([n / 128, 128], rng: &rng), y = Tensor.randomNormal([n / 128, 128], rng: &rng)
        let w = Tensor.randomNormal([128], rng: &rng)
        let cases: [(name: String, bytesPerElement: Int, run: () -> Tensor)] = [
            ("add", 12, { add(x, y) }),
            ("mul", 12, { mul(x, y) }),
            ("silu", 8, { silu(x) }),
            ("rmsnorm", 8, { rmsNorm(x, weight: w) }),
        ]
        let seed = Tensor(repeating: 1, shape: x.shape)
        return cases.map { c in
            let fwd = Timing.measure(minimumSeconds: options.seconds) { _ = Autograd.withoutGrad { c.run() } }
            for t in [x, y, w] { t.requiresGrad = true }
            let both = Timing.measure(minimumSeconds: options.seconds) {
                let out = c.run()
                out.backward(gradient: seed)
            }
            for t in [x, y, w] {
                t.requiresGrad = false
                t.zeroGrad(release: true)
            }
            let rate = Double(n) / fwd.secondsPerRun
            return ["op": c.name, "gelem_per_s": rate / 1e9, "gb_per_s": rate * Double(c.bytesPerElement) / 1e9,
                    "fwd_bwd_gelem_per_s": Double(n) / both.secondsPerRun / 1e9]
        }
    }
}

// `latent bench ops`: GFLOP/s of the engine's matmul (the Tensor op, allocation included)
// next to raw cblas_sgemm, and the throughput of elementwise kernels.
//
// The two matmul cases are measured INTERLEAVED (raw, engine, engine, raw, …, in batches of
// equal length) and compared pair by pair: measured one after the other, a change of machine
// load between the two phases shows up as a ratio (the first quiet-machine run reported the
// engine at 124.9 % of the very sgemm call it makes). The ratio column is the median of the
// per-pair ratios, with their interquartile range as the noise of the run.

import ArgumentParser
import COpenBLAS
import Foundation
import Support
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
        var rng = SplitMix64(seed: 1)
        var matmulRows: [[String: Any]] = []
        for n in sizes {
            let a = Tensor.randomNormal([n, n], rng: &rng), b = Tensor.randomNormal([n, n], rng: &rng)
            let c = Tensor(zeros: [n, n])
            let n32 = Int32(n)
            let pair = PairedTiming.measure(minimumSeconds: options.seconds, raw: {
                // The library call itself on preallocated buffers, C = A·B.
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n32, n32, n32,
                            1, a.data, n32, b.data, n32, 0, c.data, n32)
            }, engine: {
                _ = Autograd.withoutGrad { matmul(a, b) }
            })
            let flops = 2 * Double(n) * Double(n) * Double(n)
            let (gRaw, gEngine) = (flops / pair.rawSecondsPerRun / 1e9, flops / pair.engineSecondsPerRun / 1e9)
            matmulRows.append(["n": n, "sgemm_gflops": gRaw, "engine_gflops": gEngine, "ratio": pair.ratio,
                               "ratio_p25": pair.ratioLow, "ratio_p75": pair.ratioHigh, "pairs": pair.pairs])
        }
        let elementRows = elementwise(rng: &rng)
        if options.json {
            let object: [String: Any] = ["threads": threads, "matmul": matmulRows, "elementwise": elementRows]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("threads: \(threads)\n")
        print(renderTable(["matmul n", "sgemm GFLOP/s", "engine GFLOP/s", "engine/sgemm", "IQR of pairs", "pairs"], matmulRows.map {
            ["\($0["n"]!)", fixed($0["sgemm_gflops"] as! Double), fixed($0["engine_gflops"] as! Double),
             fixed(100 * ($0["ratio"] as! Double)) + "%",
             fixed(100 * ($0["ratio_p25"] as! Double)) + "–" + fixed(100 * ($0["ratio_p75"] as! Double)) + "%",
             "\($0["pairs"]!)"]
        }))
        print("")
        print(renderTable(["elementwise (\(elements) elements)", "forward Gelem/s", "forward GB/s", "fwd+bwd Gelem/s"], elementRows.map {
            [$0["op"] as! String, fixed($0["gelem_per_s"] as! Double, 2), fixed($0["gb_per_s"] as! Double, 2),
             fixed($0["fwd_bwd_gelem_per_s"] as! Double, 2)]
        }))
    }

    /// Forward (no grad) and forward+backward throughput of add, mul, silu and rmsnorm.
    func elementwise(rng: inout SplitMix64) -> [[String: Any]] {
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

/// Two cases timed in alternation so that both see the same machine load.
struct PairedTiming {
    /// Median seconds per run of each case.
    var rawSecondsPerRun, engineSecondsPerRun: Double
    /// Median, 25th and 75th percentile over pairs of (raw time / engine time), i.e. of
    /// engine throughput as a fraction of raw throughput.
    var ratio, ratioLow, ratioHigh: Double
    /// Number of (raw, engine) batch pairs measured.
    var pairs: Int

    /// Warms both cases up, then times batches of `raw` and `engine` alternately, in ABBA order
    /// (so neither always runs first), until each has had `minimumSeconds` and at least 9 pairs.
    static func measure(minimumSeconds: Double, raw: () -> Void, engine: () -> Void) -> PairedTiming {
        let clock = ContinuousClock()
        for _ in 0..<2 { raw(); engine() }
        let once = max(clock.measure(raw).seconds, clock.measure(engine).seconds, 1e-7)
        let perBatch = max(1, Int(minimumSeconds / 10 / once))
        func batch(_ body: () -> Void) -> Double {
            clock.measure { for _ in 0..<perBatch { body() } }.seconds / Double(perBatch)
        }
        var rawTimes: [Double] = [], engineTimes: [Double] = [], ratios: [Double] = []
        var total = 0.0
        while total < minimumSeconds || ratios.count < 9 {
            let r: Double, e: Double
            if ratios.count % 2 == 0 {
                r = batch(raw)
                e = batch(engine)
            } else {
                e = batch(engine)
                r = batch(raw)
            }
            rawTimes.append(r)
            engineTimes.append(e)
            ratios.append(r / e)
            total += min(r, e) * Double(perBatch)
        }
        func quantile(_ xs: [Double], _ q: Double) -> Double {
            let s = xs.sorted()
            return s[min(s.count - 1, Int((Double(s.count - 1) * q).rounded()))]
        }
        return PairedTiming(rawSecondsPerRun: quantile(rawTimes, 0.5), engineSecondsPerRun: quantile(engineTimes, 0.5),
                            ratio: quantile(ratios, 0.5), ratioLow: quantile(ratios, 0.25),
                            ratioHigh: quantile(ratios, 0.75), pairs: ratios.count)
    }
}

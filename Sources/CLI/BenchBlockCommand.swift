// `latent bench block`: a tiny Llama (RMSNorm, rotary, causal attention, SwiGLU, tied
// embeddings) written directly with TensorCore ops, at the shape of
// shared/bench/torch_llama_bench.py, measuring the same three figures as that script:
// train tokens/s (forward + backward + AdamW), forward tokens/s without grad, and decode
// steps/s (batch 1, key/value cache, after a 32-token prompt). It measures the engine, not the
// Models module (whose own figures come from `latent bench model`).

import ArgumentParser
import Foundation
import Support
import TensorCore

struct BenchBlockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block",
        abstract: "Engine-level tiny-Llama train / forward / decode throughput (the torch peer's shape).")

    @OptionGroup var options: BenchOptions
    @Option var vocab = 256
    @Option var dim = 128
    @Option var layers = 4
    @Option var heads = 4
    @Option var hidden = 352
    @Option var seq = 64
    @Option var batch = 32
    @Option var warmup = 3
    @Option var steps = 20

    func validate() throws {
        if dim % heads != 0 || (dim / heads) % 2 != 0 { throw ValidationError("--dim must be a multiple of 2·heads") }
        if [vocab, dim, layers, heads, hidden, seq, batch, steps].contains(where: { $0 < 1 }) || warmup < 0 {
            throw ValidationError("sizes and --steps must be positive")
        }
        if seq < 33 { throw ValidationError("--seq must be at least 33 (the decode test uses a 32-token prompt)") }
    }

    func run() throws {
        let threads = options.applyThreads()
        let model = TinyLlama(vocab: vocab, dim: dim, layers: layers, heads: heads, hidden: hidden, seed: 0)
        var rng = SplitMix64(seed: 1)
        let data = (0..<(batch * (seq + 1))).map { _ in Int(rng.next() % UInt64(vocab)) }
        var inputs: [Int] = [], targets: [Int] = []
        for b in 0..<batch {
            inputs += data[(b * (seq + 1))..<(b * (seq + 1) + seq)]
            targets += data[(b * (seq + 1) + 1)..<((b + 1) * (seq + 1))]
        }
        let positions = (0..<batch).flatMap { _ in Array(0..<seq) }
        let optimizer = AdamW(parameters: model.parameters, weightDecay: 0.1)
        let clock = ContinuousClock()
        var train: [Double] = []
        for i in 0..<(warmup + steps) {
            let t = clock.measure {
                let logits = model.forward(inputs, batch: batch, positions: positions, caches: nil)
                let loss = crossEntropy(logits: logits, targets: targets)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step(learningRate: 1e-3)
            }.seconds
            if i >= warmup { train.append(t) }
        }
        var infer: [Double] = []
        for i in 0..<(warmup + steps) {
            let t = clock.measure {
                _ = Autograd.withoutGrad { model.forward(inputs, batch: batch, positions: positions, caches: nil) }
            }.seconds
            if i >= warmup { infer.append(t) }
        }
        var decode: [Double] = []
        Autograd.withoutGrad {
            for rep in 0...warmup {
                var caches = [KVPair?](repeating: nil, count: layers)
                _ = model.forward(Array(inputs[0..<32]), batch: 1, positions: Array(0..<32), caches: &caches)
                for i in 0..<16 {
                    let t = clock.measure {
                        _ = model.forward([inputs[32]], batch: 1, positions: [32 + i], caches: &caches)
                    }.seconds
                    if rep == warmup { decode.append(t) }
                }
            }
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        let tokens = Double(batch * seq)
        let result: [String: Any] = [
            "engine": "latent TensorCore", "threads": threads,
            "params": model.parameters.reduce(0) { $0 + $1.count },
            "train_tokens_per_s": Int((tokens / median(train)).rounded()),
            "infer_tokens_per_s": Int((tokens / median(infer)).rounded()),
            "decode_steps_per_s": Int((1 / median(decode)).rounded()),
        ]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}

/// Cached keys and values of one layer, `[B, T, H, D]` each.
typealias KVPair = (key: Tensor, value: Tensor)

/// The torch peer's model, as plain TensorCore calls.
final class TinyLlama {
    let heads: Int
    let embed: Tensor
    let blocks: [[String: Tensor]]
    let norm: Tensor
    var parameters: [Tensor] { [embed, norm] + blocks.flatMap { p in p.keys.sorted().map { p[$0]! } } }

    init(vocab: Int, dim: Int, layers: Int, heads: Int, hidden: Int, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        self.heads = heads
        embed = Tensor.parameter(Tensor.randomNormal([vocab, dim], rng: &rng))
        norm = Tensor.parameter(Tensor(repeating: 1, shape: [dim]))
        func w(_ o: Int, _ i: Int) -> Tensor {
            let a = 1 / Float(i).squareRoot()
            return Tensor.parameter(Tensor.randomUniform([o, i], low: -a, high: a, rng: &rng))
        }
        blocks = (0..<layers).map { _ in
            ["attn_norm": Tensor.parameter(Tensor(repeating: 1, shape: [dim])),
             "q": w(dim, dim), "k": w(dim, dim), "v": w(dim, dim), "o": w(dim, dim),
             "mlp_norm": Tensor.parameter(Tensor(repeating: 1, shape: [dim])),
             "gate": w(hidden, dim), "up": w(hidden, dim), "down": w(dim, hidden)]
        }
    }

    func forward(_ ids: [Int], batch: Int, positions: [Int], caches: UnsafeMutablePointer<[KVPair?]>?) -> Tensor {
        let T = ids.count / batch
        let C = embed.shape[1], H = heads, D = C / H
        var x = embedding(embed, ids: ids, shape: [batch, T])
        for (l, p) in blocks.enumerated() {
            let h = rmsNorm(x, weight: p["attn_norm"]!)
            let q = rotaryEmbedding(linear(h, weight: p["q"]!).reshaped([batch, T, H, D]), positions: positions)
            var k = rotaryEmbedding(linear(h, weight: p["k"]!).reshaped([batch, T, H, D]), positions: positions)
            var v = linear(h, weight: p["v"]!).reshaped([batch, T, H, D])
            if let caches {
                if let past = caches.pointee[l] {
                    k = concat([past.key, k], axis: 1)
                    v = concat([past.value, v], axis: 1)
                }
                caches.pointee[l] = (k, v)
            }
            let a = causalAttention(query: q, key: k, value: v).reshaped([batch, T, C])
            x = add(x, linear(a, weight: p["o"]!))
            let m = rmsNorm(x, weight: p["mlp_norm"]!)
            x = add(x, linear(swiglu(gate: linear(m, weight: p["gate"]!), up: linear(m, weight: p["up"]!)), weight: p["down"]!))
        }
        return linear(rmsNorm(x, weight: norm), weight: embed)   // tied output head
    }

    func forward(_ ids: [Int], batch: Int, positions: [Int], caches: inout [KVPair?]) -> Tensor {
        withUnsafeMutablePointer(to: &caches) { forward(ids, batch: batch, positions: positions, caches: $0) }
    }
}

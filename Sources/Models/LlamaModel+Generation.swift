// Batched generation over a preallocated key/value cache: greedy or temperature sampling.

import Foundation
import Support
import TensorCore

/// One generated continuation.
public struct Generation: Sendable, Equatable {
    /// The new token ids, without the stop token.
    public var tokens: [Int]
    /// True if a stop token ended the continuation (false: the token budget ran out).
    public var stopped: Bool
}

/// How ``LlamaModel/generate(prompts:maximumNewTokens:temperature:seed:stopTokens:batchSize:)``
/// picks each token.
extension LlamaModel {
    /// Continues each prompt until a stop token or `maximumNewTokens` new tokens.
    ///
    /// Prompts are grouped by length into batches of `batchSize`, left-padded, prefilled in one
    /// call, then extended one position per call through the cache. `temperature` 0 is greedy
    /// (argmax, lowest id on ties); above 0 tokens are sampled from `softmax(logits / T)` with
    /// a generator seeded by `seed` (same inputs and seed → same output). `shouldStop` is asked
    /// before every decoding step, so a user's interrupt ends a long generation within one step.
    /// - Throws: ``ModelError/invalidInput(_:)`` for empty prompts, bad ids or prompts too long
    ///   for the model; ``ModelError/interrupted`` when `shouldStop` returns true.
    public func generate(
        prompts: [[Int]], maximumNewTokens: Int, temperature: Double = 0, seed: UInt64 = 0,
        stopTokens: Set<Int>? = nil, batchSize: Int = 64, shouldStop: () -> Bool = { false }
    ) throws -> [Generation] {
        guard maximumNewTokens >= 0, batchSize > 0, temperature >= 0, temperature.isFinite else {
            throw ModelError.invalidInput("generate needs maximumNewTokens ≥ 0, batchSize > 0 and a finite temperature ≥ 0")
        }
        if let i = prompts.firstIndex(where: \.isEmpty) {
            throw ModelError.invalidInput("prompt \(i) is empty")
        }
        let stops = stopTokens ?? [configuration.eosTokenID]
        var rng = SplitMix64(seed: seed)
        var results = [Generation](repeating: Generation(tokens: [], stopped: false), count: prompts.count)
        // Similar lengths together waste less padding; a stable order keeps runs reproducible.
        let order = prompts.indices.sorted { (prompts[$0].count, $0) < (prompts[$1].count, $1) }
        for chunkStart in stride(from: 0, to: order.count, by: batchSize) {
            let members = Array(order[chunkStart..<min(order.count, chunkStart + batchSize)])
            let rows = members.map { prompts[$0] }
            let produced = try Autograd.withoutGrad {
                try generateBatch(rows, maximumNewTokens: maximumNewTokens, temperature: temperature,
                                  stops: stops, rng: &rng, shouldStop: shouldStop)
            }
            for (i, index) in members.enumerated() { results[index] = produced[i] }
        }
        return results
    }

    private func generateBatch(
        _ rows: [[Int]], maximumNewTokens: Int, temperature: Double, stops: Set<Int>,
        rng: inout SplitMix64, shouldStop: () -> Bool
    ) throws -> [Generation] {
        let batch = TokenBatch(rows: rows, padID: configuration.padTokenID, padding: .left)
        guard batch.length <= configuration.maximumLength else {
            throw ModelError.invalidInput(
                "prompt of \(batch.length) tokens exceeds the model's maximum length \(configuration.maximumLength)")
        }
        let budget = min(maximumNewTokens, configuration.maximumLength - batch.length)
        var results = [Generation](repeating: Generation(tokens: [], stopped: false), count: rows.count)
        guard budget > 0 else { return results }
        let cache = KeyValueCache(for: self, batchSize: rows.count, starts: batch.starts,
                                  capacity: batch.length + budget)
        var logits = try forward(batch, cache: cache, lastPositionOnly: true).logits
        var active = [Bool](repeating: true, count: rows.count)
        let v = configuration.vocabularySize
        for step in 0..<budget {
            var next = [Int](repeating: configuration.padTokenID, count: rows.count)
            for r in 0..<rows.count where active[r] {
                let row = logits.data + r * v
                let token = temperature == 0
                    ? Self.argmax(row, count: v)
                    : Self.sample(row, count: v, temperature: temperature, rng: &rng)
                if stops.contains(token) {
                    results[r].stopped = true
                    active[r] = false
                } else {
                    results[r].tokens.append(token)
                    next[r] = token
                }
            }
            if !active.contains(true) || step == budget - 1 { break }
            if shouldStop() { throw ModelError.interrupted }
            let stepBatch = TokenBatch(tokens: next, batchSize: rows.count, length: 1, starts: batch.starts)
            logits = try forward(stepBatch, cache: cache, lastPositionOnly: true).logits
        }
        return results
    }

    /// Index of the largest value (the first one on ties).
    static func argmax(_ row: UnsafePointer<Float>, count: Int) -> Int {
        var best = 0
        for j in 1..<count where row[j] > row[best] { best = j }
        return best
    }

    /// A draw from `softmax(row / temperature)`.
    static func sample(_ row: UnsafePointer<Float>, count: Int, temperature: Double,
                       rng: inout SplitMix64) -> Int {
        var m = -Double.infinity
        for j in 0..<count { m = max(m, Double(row[j])) }
        var weights = [Double](repeating: 0, count: count)
        var total = 0.0
        for j in 0..<count {
            weights[j] = Foundation.exp((Double(row[j]) - m) / temperature)
            total += weights[j]
        }
        var u = rng.nextUnitDouble() * total
        for j in 0..<count {
            u -= weights[j]
            if u < 0 { return j }
        }
        return count - 1
    }
}

// Sampling completions for reinforcement learning (method.md §(b), §(d)): the stop decisions
// (two-way softmax of the stop head) and the answer tokens (masked LM head) are drawn at a
// temperature instead of taken greedily. Batched over a preallocated key/value cache like
// `generate`: rows of one batch may be thinking, answering or done at the same column; a
// prompt repeated in several rows (a GRPO group) runs once and its cache rows are copied.
//
// Actions of one completion, in order (they are what GRPO scores):
//   decision 0 at <START>, decision k at the k-th latent position (CONTINUE or STOP), then the
//   answer tokens after <END>, the final <eos> included when it was drawn.
// A completion has `latentSteps + 1` decisions. When the head says CONTINUE at the latent cap
// (`latentSteps == cap`), that last CONTINUE is kept as an action and the completion ends there
// without an answer: the format check then fails (the paper's 40-token cap has the same effect).
//
// Randomness: completion i draws from its own SplitMix64 stream seeded by (seed, i), so a
// sample does not depend on the batch size or on the other prompts.

import Foundation
import Support
import TensorCore

/// How completions are sampled.
public struct LatentSamplingSettings: Sendable, Equatable {
    /// Temperature of the answer tokens (the paper's 1).
    public var temperature: Double = 1
    /// Temperature of the two stop-head logits (the paper's `binary_head_temp`, unset = 1).
    /// Above 1 explores more latent lengths.
    public var headTemperature: Double = 1
    /// Latent steps after which a CONTINUE ends the completion as malformed.
    public var latentCap: Int = 16
    /// Answer tokens after `<END>`, `<eos>` included. (The paper caps all new tokens, stop
    /// decisions included, at 40; here the decisions have their own cap, ``latentCap``. A
    /// Latent-6 completion — 7 decisions and about 8 answer tokens — fits either way.)
    public var maximumAnswerTokens: Int = 40

    public init(temperature: Double = 1, headTemperature: Double = 1, latentCap: Int = 16, maximumAnswerTokens: Int = 40) {
        self.temperature = temperature
        self.headTemperature = headTemperature
        self.latentCap = latentCap
        self.maximumAnswerTokens = maximumAnswerTokens
    }

    /// Throws ``ModelError/invalidInput(_:)`` for a non-positive temperature or budget.
    public func validate() throws {
        guard temperature.isFinite, temperature > 0, headTemperature.isFinite, headTemperature > 0 else {
            throw ModelError.invalidInput("sampling temperatures must be positive, got \(temperature) and \(headTemperature)")
        }
        guard latentCap >= 0, maximumAnswerTokens > 0 else {
            throw ModelError.invalidInput("sampling needs a latent cap ≥ 0 and an answer budget ≥ 1")
        }
    }
}

/// One sampled completion.
public struct LatentSample: Sendable, Equatable {
    /// Latent vectors fed (CONTINUE decisions that were followed).
    public var latentSteps: Int
    /// True when the head said STOP; false when the latent cap was reached (no answer follows).
    public var stopped: Bool
    /// The answer tokens after `<END>`, the final `<eos>` included when it was drawn.
    public var tokens: [Int]
    /// True when the answer ended with `<eos>` (false: the answer budget ran out).
    public var endedWithEOS: Bool
    /// Log-probability of each action at sampling time, under the sampling temperatures.
    public var logProbabilities: [Double]
    /// Entropy (nats) of the stop head at temperature 1 at each decision.
    public var stopEntropies: [Double]

    /// The paper's total reasoning length: latent steps + 2.
    public var reasoningLength: Int { latentSteps + 2 }
    /// The answer tokens without the final `<eos>`.
    public var answerTokens: [Int] { endedWithEOS ? Array(tokens.dropLast()) : tokens }
    /// Number of actions: `latentSteps + 1` decisions and the answer tokens.
    public var actionCount: Int { latentSteps + 1 + tokens.count }

    /// The action ids in order: CONTINUE/STOP per decision, then the answer tokens.
    public func actions(_ ids: LatentTokens) -> [Int] {
        [Int](repeating: ids.continue, count: latentSteps) + [stopped ? ids.stop : ids.continue] + tokens
    }
}

extension LatentModel {
    /// Samples one completion per prompt (each `<bos> question <START>`).
    ///
    /// - Parameters:
    ///   - settings: temperatures, latent cap and answer budget.
    ///   - seed: completion i uses the stream of (seed, i); same seed, same samples.
    ///   - batchSize: rows per forward call (does not change the samples).
    ///   - shouldStop: asked before every decoding step.
    /// - Throws: ``ModelError/invalidInput(_:)`` for prompts not ending in `<START>`, bad
    ///   settings, or prompts too long for the model; ``ModelError/interrupted`` when
    ///   `shouldStop` returns true.
    public func sample(prompts: [[Int]], settings: LatentSamplingSettings = LatentSamplingSettings(),
                       seed: UInt64, batchSize: Int = 128, shouldStop: () -> Bool = { false }) throws -> [LatentSample] {
        try settings.validate()
        guard batchSize > 0 else { throw ModelError.invalidInput("sampling needs a batch size ≥ 1") }
        if let i = prompts.firstIndex(where: { $0.last != tokens.start }) {
            throw ModelError.invalidInput("prompt \(i) does not end with <START> (id \(tokens.start))")
        }
        var results: [LatentSample] = []
        results.reserveCapacity(prompts.count)
        for chunk in stride(from: 0, to: prompts.count, by: batchSize) {
            let members = Array(chunk..<min(prompts.count, chunk + batchSize))
            var streams = members.map { Self.stream(seed: seed, index: $0) }
            results += try Autograd.withoutGrad {
                try sampleBatch(members.map { prompts[$0] }, settings: settings, streams: &streams, shouldStop: shouldStop)
            }
        }
        return results
    }

    /// The random stream of completion `index`: SplitMix64 seeded by a hash of (seed, index).
    static func stream(seed: UInt64, index: Int) -> SplitMix64 {
        var mixer = SplitMix64(seed: UInt64(index) &* 0x2545_F491_4F6C_DD1D)
        return SplitMix64(seed: seed ^ mixer.next())
    }

    private enum Phase { case thinking, answering, done }

    private func sampleBatch(_ rows: [[Int]], settings s: LatentSamplingSettings, streams: inout [SplitMix64],
                             shouldStop: () -> Bool) throws -> [LatentSample] {
        let c = base.configuration
        let (v, d, b) = (c.vocabularySize, c.dimension, rows.count)
        // Each distinct prompt runs once; its keys and values then serve all its rows.
        var unique: [[Int]] = [], rowOf: [Int] = [], seen: [[Int]: Int] = [:]
        for p in rows {
            if seen[p] == nil { seen[p] = unique.count; unique.append(p) }
            rowOf.append(seen[p]!)
        }
        let batch = TokenBatch(rows: unique, padID: tokens.pad, padding: .left)
        let capacity = batch.length + s.latentCap + 1 + s.maximumAnswerTokens
        guard capacity <= c.maximumLength else {
            throw ModelError.invalidInput(
                "a prompt of \(batch.length) tokens plus \(s.latentCap) latent steps and \(s.maximumAnswerTokens) answer tokens "
                    + "exceeds the model's maximum length \(c.maximumLength)")
        }
        let promptCache = KeyValueCache(for: base, batchSize: unique.count, starts: batch.starts, capacity: batch.length)
        let first = try base.forward(batch, cache: promptCache, lastPositionOnly: true)
        let cache = promptCache.repeating(rows: rowOf, capacity: capacity)
        var last = ModelOps.gatherRows(first.hidden, rows: rowOf.map { $0 * batch.length + batch.length - 1 })
        var logitRows = ModelOps.gatherRows(first.logits.reshaped([unique.count, v]), rows: rowOf)
        var results = [LatentSample](repeating: LatentSample(latentSteps: 0, stopped: false, tokens: [], endedWithEOS: false,
                                                             logProbabilities: [], stopEntropies: []), count: b)
        var phase = [Phase](repeating: .thinking, count: b)
        let e = base.embedding.data
        let excluded = [tokens.continue, tokens.stop, tokens.end]
        let weights = UnsafeMutablePointer<Double>.allocate(capacity: v)
        defer { weights.deallocate() }
        while cache.length < capacity {
            let hidden = last.data, logits = logitRows.data
            let latent = phase.contains(.thinking) ? filter(last) : last
            let x = Tensor(zeros: [b, 1, d])
            for r in 0..<b {
                let dst = x.data + r * d
                switch phase[r] {
                case .thinking:
                    let (lc, ls) = stopLogits(hidden + r * d)
                    results[r].stopEntropies.append(Self.stopEntropy(continue: Double(lc), stop: Double(ls)))
                    let (sc, ss) = (Double(lc) / s.headTemperature, Double(ls) / s.headTemperature)
                    let m = max(sc, ss)
                    let lse = m + Foundation.log(Foundation.exp(sc - m) + Foundation.exp(ss - m))
                    let goOn = streams[r].nextUnitDouble() < Foundation.exp(sc - lse)
                    results[r].logProbabilities.append((goOn ? sc : ss) - lse)
                    if goOn && results[r].latentSteps == s.latentCap {
                        phase[r] = .done   // CONTINUE at the cap: malformed, no answer
                        dst.update(from: e + tokens.pad * d, count: d)
                    } else if goOn {
                        dst.update(from: latent.data + r * d, count: d)
                        results[r].latentSteps += 1
                    } else {
                        results[r].stopped = true
                        dst.update(from: e + tokens.end * d, count: d)
                        phase[r] = .answering
                    }
                case .answering:
                    let (token, logp) = Self.sampleToken(logits + r * v, v: v, excluded: excluded, temperature: s.temperature,
                                                         weights: weights, rng: &streams[r])
                    results[r].tokens.append(token)
                    results[r].logProbabilities.append(logp)
                    if token == tokens.eos || results[r].tokens.count >= s.maximumAnswerTokens {
                        results[r].endedWithEOS = token == tokens.eos
                        phase[r] = .done
                        dst.update(from: e + tokens.pad * d, count: d)
                    } else {
                        dst.update(from: e + token * d, count: d)
                    }
                case .done:
                    dst.update(from: e + tokens.pad * d, count: d)
                }
            }
            if !phase.contains(where: { $0 != .done }) { break }
            if shouldStop() { throw ModelError.interrupted }
            let out = try base.forward(embeddings: x, starts: cache.starts, cache: cache, lastPositionOnly: true)
            (last, logitRows) = (out.hidden.reshaped([b, d]), out.logits.reshaped([b, v]))
        }
        return results
    }

    /// Draws a token from `softmax(row / temperature)` with `excluded` ids masked; returns it
    /// and its log-probability.
    static func sampleToken(_ row: UnsafePointer<Float>, v: Int, excluded: [Int], temperature: Double,
                            weights: UnsafeMutablePointer<Double>, rng: inout SplitMix64) -> (Int, Double) {
        var peak = -Double.infinity
        for j in 0..<v where !excluded.contains(j) { peak = max(peak, Double(row[j]) / temperature) }
        var total = 0.0
        for j in 0..<v {
            weights[j] = excluded.contains(j) ? 0 : Foundation.exp(Double(row[j]) / temperature - peak)
            total += weights[j]
        }
        let target = rng.nextUnitDouble() * total
        var chosen = -1, running = 0.0
        for j in 0..<v where weights[j] > 0 {
            chosen = j
            running += weights[j]
            if running > target { break }
        }
        return (chosen, Double(row[chosen]) / temperature - peak - Foundation.log(total))
    }

    /// Entropy (nats) of the stop head's two-way softmax over the logits `(c, s)`.
    public static func stopEntropy(continue c: Double, stop s: Double) -> Double {
        let m = max(c, s)
        let (a, b) = (Foundation.exp(c - m), Foundation.exp(s - m))
        let (p, q) = (a / (a + b), b / (a + b))
        return -(p > 0 ? p * Foundation.log(p) : 0) - (q > 0 ? q * Foundation.log(q) : 0)
    }
}

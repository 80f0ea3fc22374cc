// Latent inference: prompt (ending in <START>) → latent steps decided by the stop head (or a
// forced count) → <END> → greedy answer text, batched over a preallocated key/value cache.
// Rows of one batch may be in different phases at the same column: a thinking row feeds F(h),
// a row that just stopped feeds the <END> embedding, an answering row its last token — every
// input is a vector, so one forward call serves all of them.

import Foundation
import TensorCore

/// How many latent steps inference takes.
public enum LatentStepPolicy: Sendable, Equatable {
    /// Greedy on the stop head (stop at the first position where STOP > CONTINUE), at most `cap` steps.
    case adaptive(cap: Int)
    /// Exactly this many latent steps, whatever the head says.
    case forced(Int)

    /// The paper-style default: adaptive with a cap of 16.
    public static let standard = LatentStepPolicy.adaptive(cap: 16)

    var maximumSteps: Int {
        switch self {
        case .adaptive(let cap): cap
        case .forced(let n): n
        }
    }
}

/// What the model read at one binary position (step 0 = `<START>`, step k = k-th latent).
public struct LatentStepTrace: Sendable, Equatable {
    /// 0 for `<START>`, k for the k-th latent position.
    public var step: Int
    /// softmax of the stop head's two logits, probability of STOP.
    public var stopProbability: Double
    /// Logit lens: the 3 tokens with the highest output-head logits of this hidden state
    /// (id and probability under the full, unmasked softmax), best first.
    public var topTokens: [(id: Int, probability: Double)]
    /// Norm of the latent vector F(h) that was fed at this step (0 for `<START>`).
    public var inputNorm: Double
    /// F(h) of this position's hidden state: the latent vector the next step is (or would be)
    /// fed — what ``LatentModel/writtenTokens(from:maximumTokens:until:)`` reads out.
    public var nextInput: [Float] = []

    public static func == (a: Self, b: Self) -> Bool {
        a.step == b.step && a.stopProbability == b.stopProbability && a.inputNorm == b.inputNorm && a.nextInput == b.nextInput
            && a.topTokens.map(\.id) == b.topTokens.map(\.id) && a.topTokens.map(\.probability) == b.topTokens.map(\.probability)
    }
}

/// One latent generation.
public struct LatentGeneration: Sendable, Equatable {
    /// Number of latent vectors fed (CONTINUE decisions).
    public var latentSteps: Int
    /// The answer tokens after `<END>`, without the final `<eos>`.
    public var tokens: [Int]
    /// True when `<eos>` ended the answer (false: the budget ran out).
    public var stopped: Bool
    /// Per binary position (START, then each latent step), when tracing was asked for.
    public var trace: [LatentStepTrace]
    /// The paper's total reasoning length: START + CONTINUEs + STOP = latentSteps + 2.
    public var reasoningLength: Int { latentSteps + 2 }
}

extension LatentModel {
    /// Runs latent inference on `prompts` (each `<bos> question <START>`).
    ///
    /// - Parameters:
    ///   - policy: adaptive (greedy stop head, capped) or a forced count.
    ///   - maximumAnswerTokens: tokens after `<END>` (the answer text and `<eos>`).
    ///   - trace: record ``LatentStepTrace`` values (stop probability, logit-lens top 3).
    ///   - shouldStop: asked before every decoding step (latent or answer token).
    /// - Throws: ``ModelError/invalidInput(_:)`` for empty prompts, prompts not ending in
    ///   `<START>`, bad ids, a negative count or prompts too long for the model;
    ///   ``ModelError/interrupted`` when `shouldStop` returns true.
    public func generate(
        prompts: [[Int]], policy: LatentStepPolicy = .standard, maximumAnswerTokens: Int = 32,
        batchSize: Int = 64, trace: Bool = false, shouldStop: () -> Bool = { false }
    ) throws -> [LatentGeneration] {
        guard policy.maximumSteps >= 0, maximumAnswerTokens > 0, batchSize > 0 else {
            throw ModelError.invalidInput("latent inference needs a latent count ≥ 0, an answer budget ≥ 1 and a batch size ≥ 1")
        }
        if let i = prompts.firstIndex(where: { $0.last != tokens.start }) {
            throw ModelError.invalidInput("prompt \(i) does not end with <START> (id \(tokens.start))")
        }
        var results = [LatentGeneration](repeating: LatentGeneration(latentSteps: 0, tokens: [], stopped: false, trace: []),
                                         count: prompts.count)
        let order = prompts.indices.sorted { (prompts[$0].count, $0) < (prompts[$1].count, $1) }
        for chunkStart in stride(from: 0, to: order.count, by: batchSize) {
            let members = Array(order[chunkStart..<min(order.count, chunkStart + batchSize)])
            let produced = try Autograd.withoutGrad {
                try generateBatch(members.map { prompts[$0] }, policy: policy, answerBudget: maximumAnswerTokens, trace: trace,
                                  shouldStop: shouldStop)
            }
            for (i, index) in members.enumerated() { results[index] = produced[i] }
        }
        return results
    }

    private enum Phase { case thinking, answering, done }

    private func generateBatch(_ rows: [[Int]], policy: LatentStepPolicy, answerBudget: Int, trace: Bool,
                               shouldStop: () -> Bool) throws -> [LatentGeneration] {
        let c = base.configuration
        let (v, d, b) = (c.vocabularySize, c.dimension, rows.count)
        let batch = TokenBatch(rows: rows, padID: tokens.pad, padding: .left)
        let capacity = min(c.maximumLength, batch.length + policy.maximumSteps + 1 + answerBudget)
        guard batch.length < capacity else {
            throw ModelError.invalidInput("prompt of \(batch.length) tokens leaves no room in the model's maximum length \(c.maximumLength)")
        }
        let cache = KeyValueCache(for: base, batchSize: b, starts: batch.starts, capacity: capacity)
        var out = try base.forward(batch, cache: cache, lastPositionOnly: true)
        var results = [LatentGeneration](repeating: LatentGeneration(latentSteps: 0, tokens: [], stopped: false, trace: []), count: b)
        var phase = [Phase](repeating: .thinking, count: b)
        var norms = [Float](repeating: 0, count: b)
        let e = base.embedding.data
        while cache.length < capacity {
            // Hidden state and logits of each row's newest position: [B, 1, D] and [B, 1, V].
            let t = out.hidden.dim(1)
            let last = t == 1 ? out.hidden.reshaped([b, d]) : ModelOps.gatherRows(out.hidden, rows: (0..<b).map { $0 * t + t - 1 })
            let hidden = last.data, logits = out.logits.data
            let latent = phase.contains(.thinking) ? filter(last) : last
            let x = Tensor(zeros: [b, 1, d])
            for r in 0..<b {
                let h = hidden + r * d, dst = x.data + r * d
                switch phase[r] {
                case .thinking:
                    let (lc, ls) = stopLogits(h)
                    let k = results[r].latentSteps
                    if trace {
                        var entry = Self.traceEntry(step: k, h: h, continue: lc, stop: ls, logits: logits + r * v, v: v, norm: norms[r])
                        entry.nextInput = Array(UnsafeBufferPointer(start: latent.data + r * d, count: d))
                        results[r].trace.append(entry)
                    }
                    let goOn: Bool
                    switch policy {
                    case .adaptive(let cap): goOn = lc >= ls && k < cap
                    case .forced(let n): goOn = k < n
                    }
                    if goOn {
                        dst.update(from: latent.data + r * d, count: d)
                        norms[r] = Self.norm(dst, d)
                        results[r].latentSteps += 1
                    } else {
                        dst.update(from: e + tokens.end * d, count: d)
                        phase[r] = .answering
                    }
                case .answering:
                    let token = Self.maskedArgmax(logits + r * v, v: v, excluded: [tokens.continue, tokens.stop, tokens.end])
                    if token == tokens.eos || results[r].tokens.count >= answerBudget {
                        results[r].stopped = token == tokens.eos
                        phase[r] = .done
                        dst.update(from: e + tokens.pad * d, count: d)
                    } else {
                        results[r].tokens.append(token)
                        dst.update(from: e + token * d, count: d)
                    }
                case .done:
                    dst.update(from: e + tokens.pad * d, count: d)
                }
            }
            if !phase.contains(where: { $0 != .done }) { break }
            if shouldStop() { throw ModelError.interrupted }
            out = try base.forward(embeddings: x, starts: batch.starts, cache: cache, lastPositionOnly: true)
        }
        return results
    }

    static func norm(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var s: Float = 0
        for j in 0..<n { s += p[j] * p[j] }
        return s.squareRoot()
    }

    static func maskedArgmax(_ row: UnsafePointer<Float>, v: Int, excluded: [Int]) -> Int {
        var best = -1
        for j in 0..<v where !excluded.contains(j) && (best < 0 || row[j] > row[best]) { best = j }
        return best
    }

    static func traceEntry(step: Int, h: UnsafePointer<Float>, continue lc: Float, stop ls: Float,
                           logits: UnsafePointer<Float>, v: Int, norm: Float) -> LatentStepTrace {
        let m = max(lc, ls)
        let pStop = Foundation.exp(Double(ls - m)) / (Foundation.exp(Double(lc - m)) + Foundation.exp(Double(ls - m)))
        var peak = -Double.infinity
        for j in 0..<v { peak = max(peak, Double(logits[j])) }
        var total = 0.0
        for j in 0..<v { total += Foundation.exp(Double(logits[j]) - peak) }
        let top = (0..<v).sorted { (logits[$0], -$0) > (logits[$1], -$1) }.prefix(3)
        return LatentStepTrace(step: step, stopProbability: pStop,
                               topTokens: top.map { ($0, Foundation.exp(Double(logits[$0]) - peak) / total) },
                               inputNorm: Double(norm))
    }
}

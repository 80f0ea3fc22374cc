// The CODI-style distillation loss of one batch (method.md §(c)):
//   CE(teacher) + CE(student, stop decisions included) + w · mean_l smoothL1(s_l, sg(t_l)) / (std(t_l) + 1e-8)
// Teacher: `<bos> Question: q <cot without its last step> " The answer is:" " " N <eos>`.
// Student: `<bos> Question: q <START>`, n latent positions whose input is F(h of the previous
// position), `<END> " The answer is:" " " N`. Both share the prefix `<bos> Question: q`, which
// is computed once (SharedPrefix), LEFT-padded so that every row's last question token is the
// last column, into a differentiable key/value cache; then
//   teacher: the rest of its text in one right-padded chunk, over a copy of that cache;
//   student: `<START>` (one position), each latent step (one position), and the answer text
//   (right-padded, targets end with <eos>), each a chunk over the cache itself.
// Every row of a batch has the same latent count n (the batcher groups by count), so no row
// stops early and the recurrence needs no per-row masking.
// The distillation position in both passes is the standalone " " token before the answer digits
// (EncodedSequence.answerAnchor): its next-token prediction is the first digit.

import Datasets
import Models
import TensorCore

/// One distillation example, tokenized.
public struct DistillationExample: Sendable, Equatable {
    public var teacher: EncodedSequence
    public var student: EncodedSequence
    /// Latent steps of the student sequence.
    public var latentCount: Int
    /// Reference step count of the example.
    public var stepCount: Int
    /// The tokens of each reasoning step (``Example/stepTexts``): the targets of step-level
    /// supervision.
    public var stepTokens: [[Int]]
    /// When the student writes its later steps as text (a curriculum stage), the number of
    /// steps its latents stand for; nil when they stand for all of them.
    public var latentStepLimit: Int?

    /// Tokenizes `example` with `latentCount` latent steps; the teacher drops the last CoT step
    /// when `dropLastStep`.
    /// `writtenFrom` < the step count keeps the steps after the first `writtenFrom` as text in
    /// the student sequence (a curriculum stage).
    public init(_ example: Example, tokenizer: Tokenizer, latentCount: Int, dropLastStep: Bool = true, writtenFrom: Int = .max) {
        teacher = tokenizer.teacherSequence(example, dropLastStep: dropLastStep)
        student = tokenizer.studentSequence(example, latentSteps: latentCount, writtenFrom: writtenFrom)
        self.latentCount = latentCount
        stepCount = example.stepCount
        stepTokens = example.stepTexts.map { tokenizer.encode($0) }
        latentStepLimit = writtenFrom < example.stepCount ? max(0, writtenFrom) : nil
    }
}

/// The inputs of one distillation step, built from examples with one common latent count.
public struct DistillationBatch {
    /// The teacher's distillation position (its answer anchor) in each row.
    public let answerAnchors: [Int]
    public let latentCount: Int
    /// `<END>` + answer text without `<eos>`, right-padded, with targets and anchor rows.
    public let tail: TokenBatch
    public let tailTargets: [Int]
    public let tailAnchors: [Int]
    /// Step-level supervision: row `i` decodes the text `stepTokens.rows[i]` (a step, or a run
    /// of the written chain's tokens: ``StepAlignment``) from the latent input vector at flat
    /// index `stepRows[i]` = k·size + example of 0-based latent step k. `stepTargets`: one target
    /// per row for the latent position, then the row-major targets of `stepTokens`. Nil without
    /// `stepSupervision` or when no row has a step.
    public let stepTokens: TokenBatch?
    public let stepRows: [Int]
    public let stepTargets: [Int]
    /// The layout of the loss's passes: one prefix pass shared by the teacher and the student.
    public let shared: SharedPrefix
    public let padID: Int
    public var size: Int { shared.prefix.batchSize }
    /// Tokens the teacher text feeds, and those it predicts.
    public var teacherTokens: Int { shared.prefix.lengths.reduce(0, +) + shared.teacherRest.lengths.reduce(0, +) }
    public var teacherTargetTokens: Int { size + shared.teacherRestTargets.filter { $0 != ModelOps.ignoredTarget }.count }

    /// `stepSupervision` builds the step-level rows (only needed when the step loss is on),
    /// placed on the latent steps by `alignment`.
    /// - Precondition: `examples` is non-empty and all share one latent count.
    public init(_ examples: [DistillationExample], tokenizer: Tokenizer, stepSupervision: Bool = false,
                alignment: StepAlignment = .next) {
        precondition(!examples.isEmpty, "DistillationBatch needs examples")
        let n = examples[0].latentCount
        precondition(examples.allSatisfy { $0.latentCount == n }, "DistillationBatch: mixed latent counts")
        latentCount = n
        padID = tokenizer.padID
        shared = SharedPrefix(examples, padID: tokenizer.padID)
        answerAnchors = examples.map(\.teacher.answerAnchor)
        let tails = examples.map { e -> [Int] in
            let stop = e.student.latentPositions!.upperBound
            return [tokenizer.endID] + e.student.ids[(stop + 1)...]
        }
        let tail = TokenBatch(rows: tails.map { Array($0.dropLast()) }, padID: tokenizer.padID, padding: .right)
        self.tail = tail
        let t = tail.length
        var tt = [Int](repeating: ModelOps.ignoredTarget, count: examples.count * t)
        for (b, row) in tails.enumerated() { for i in 0..<(row.count - 1) { tt[b * t + i] = row[i + 1] } }
        tailTargets = tt
        tailAnchors = examples.enumerated().map { $0 * t + ($1.student.answerAnchor - $1.student.latentPositions!.upperBound) }
        var rows: [Int] = [], texts: [[Int]] = []
        // The steps each row's latents stand for, once per row rather than once per latent.
        let placed = examples.map { e in e.latentStepLimit.map { alignment.placed(e.stepTokens, standingFor: $0) } ?? e.stepTokens }
        for k in 0..<(stepSupervision ? n : 0) {
            for (b, e) in examples.enumerated() where e.stepCount > 0 {
                guard let text = alignment.target(latent: k, of: n, steps: placed[b]), !text.isEmpty else { continue }
                rows.append(k * examples.count + b)
                texts.append(text)
            }
        }
        stepRows = rows
        if texts.isEmpty {
            (stepTokens, stepTargets) = (nil, [])
        } else {
            let steps = TokenBatch(rows: texts, padID: tokenizer.padID, padding: .right)
            let l = steps.length
            var targets = texts.map { $0[0] } + [Int](repeating: ModelOps.ignoredTarget, count: texts.count * l)
            for (r, text) in texts.enumerated() { for i in 0..<(text.count - 1) { targets[texts.count + r * l + i] = text[i + 1] } }
            (stepTokens, stepTargets) = (steps, targets)
        }
    }
}

/// The parts of one batch's loss.
public struct DistillationLoss {
    /// `CE_T + CE_S + distillWeight·D + stepWeight·CE_steps` with its graph.
    public let total: Tensor
    public let teacherCE: Double
    public let studentCE: Double
    public let distillation: Double
    /// Cross-entropy of decoding each latent step's reasoning step (0 unless `stepWeight` > 0).
    public let stepCE: Double
    /// Mean norm of the latent input vector at each step 1…n (averaged over rows).
    public let latentNorms: [Double]
    /// Of the rows with supervised steps, the fraction whose latents decode every one of them
    /// exactly (ChainExactness; nil without step supervision).
    public let chainExact: Double?

    /// Runs the teacher and student passes of `batch` through `model`.
    public static func compute(
        model: LatentModel, batch: DistillationBatch, distillWeight: Float = 20, stepWeight: Float = 0
    ) throws -> DistillationLoss {
        let base = model.base
        let (d, v) = (base.configuration.dimension, base.configuration.vocabularySize)
        let b = batch.size
        // One pass over the shared prefix `<bos> Question: q` (SharedPrefix); its last column
        // predicts the teacher's first CoT token and the student's <START>.
        let shared = batch.shared
        let cache = KeyValueCache(for: base, batchSize: b, starts: shared.prefix.starts)
        let stateRows = shared.stateRows(batch.answerAnchors.enumerated().map { (row: $0, position: $1) })
        let prefixOut = try base.forward(shared.prefix, cache: cache, hiddenRows: stateRows.prefix.isEmpty ? nil : stateRows.prefix,
                                         lastPositionOnly: true)
        let prefixLogits = model.maskedLogits(prefixOut.logits, binary: [Bool](repeating: false, count: b)).reshaped([b, v])
        // Teacher pass: the CoT after the prefix, over a copy of the prefix's cache.
        let rest = shared.teacherRest
        let active = shared.teacherRestTargets.indices.filter { shared.teacherRestTargets[$0] != ModelOps.ignoredTarget }
        let teacherOut = try base.forward(rest, cache: cache.repeating(rows: Array(0..<b)), hiddenRows: stateRows.rest, logitRows: active)
        let teacherLogits = model.maskedLogits(teacherOut.logits, binary: [Bool](repeating: false, count: active.count))
        let ceT = ModelOps.crossEntropy(logits: concat([prefixLogits, teacherLogits], axis: 0),
                                        targets: shared.teacherFirstTargets + active.map { shared.teacherRestTargets[$0] })
        let teacherStates = SharedPrefix.teacherStates(rest: teacherOut.layerStates, prefix: prefixOut.layerStates, order: stateRows.order)
        // Student pass: <START>, the latent steps and the answer, chunked through the prefix's
        // differentiable cache.
        let startOut = try base.forward(TokenBatch(rows: [[Int]](repeating: [model.tokens.start], count: b), padID: batch.padID),
                                        cache: cache)
        var logitParts = [prefixLogits, model.maskedLogits(startOut.logits, binary: [Bool](repeating: true, count: b)).reshaped([b, v])]
        var targets = [Int](repeating: model.tokens.start, count: b)
            + [Int](repeating: batch.latentCount > 0 ? model.tokens.continue : model.tokens.stop, count: b)
        var h = startOut.hidden.reshaped([b, d])
        var norms: [Double] = []
        var latentInputs: [Tensor] = []
        for k in 0..<batch.latentCount {
            let x = model.filter(h)
            latentInputs.append(x)
            norms.append(rowNormMean(x, d))
            let out = try base.forward(embeddings: x.reshaped([b, 1, d]), starts: cache.starts, cache: cache)
            logitParts.append(model.maskedLogits(out.logits, binary: [Bool](repeating: true, count: b)).reshaped([b, v]))
            targets += [Int](repeating: k + 1 < batch.latentCount ? model.tokens.continue : model.tokens.stop, count: b)
            h = out.hidden.reshaped([b, d])
        }
        var stepTerm: Tensor? = nil
        var chain = ChainExactness(rows: [], exact: [], batchSize: b)
        if stepWeight > 0, let steps = batch.stepTokens {
            let (ce, exact) = try stepLoss(model: model, inputs: concat(latentInputs, axis: 0), rows: batch.stepRows,
                                           steps: steps, targets: batch.stepTargets)
            stepTerm = ce
            chain = ChainExactness(rows: batch.stepRows, exact: exact, batchSize: b)
        }
        let tailActive = batch.tailTargets.indices.filter { batch.tailTargets[$0] != ModelOps.ignoredTarget }
        let tailOut = try base.forward(batch.tail, cache: cache, hiddenRows: batch.tailAnchors, logitRows: tailActive)
        if !tailActive.isEmpty {
            logitParts.append(model.maskedLogits(tailOut.logits, binary: [Bool](repeating: false, count: tailActive.count)))
            targets += tailActive.map { batch.tailTargets[$0] }
        }
        let ceS = ModelOps.crossEntropy(logits: concat(logitParts, axis: 0), targets: targets)
        // Distillation at the answer anchor, every block and the final normed state.
        let dist = layerDistance(tailOut.layerStates, teacherStates)
        var total = ceT + ceS + dist * distillWeight
        var stepCE = 0.0
        if let ce = stepTerm {
            total = total + ce * stepWeight
            stepCE = Double(ce.item)
        }
        return DistillationLoss(total: total, teacherCE: Double(ceT.item), studentCE: Double(ceS.item),
                                distillation: Double(dist.item), stepCE: stepCE, latentNorms: norms, chainExact: chain.fraction)
    }

    /// Mean over blocks of smooth-L1(student, target) ÷ (std(target) + 1e-8); 0 without blocks.
    static func layerDistance(_ student: [Tensor], _ target: [Tensor]) -> Tensor {
        var sum: Tensor? = nil
        for (s, t) in zip(student, target) {
            let term = smoothL1(s, t) * (1 / (standardDeviation(t) + 1e-8))
            sum = sum.map { $0 + term } ?? term
        }
        return (sum ?? Tensor(scalar: 0)) * (1 / Float(max(1, min(student.count, target.count))))
    }

    /// Step-level supervision (after SIM-CoT, Wei et al. 2025): the shared model, given only a
    /// latent input vector as its first position, must write that latent step's reasoning step —
    /// so each latent vector has to hold its step (operands, operation and result), which the
    /// answer-anchor distillation alone does not demand. Mean CE over the step tokens.
    /// Also returns, per row, whether the teacher-forced argmax equals every target of the row
    /// (the input vector decodes its step exactly, as greedy decoding would).
    static func stepLoss(model: LatentModel, inputs: Tensor, rows: [Int], steps: TokenBatch, targets: [Int]) throws -> (Tensor, [Bool]) {
        let base = model.base
        let (d, v) = (base.configuration.dimension, base.configuration.vocabularySize)
        let r = rows.count
        let x = ModelOps.gatherRows(inputs, rows: rows).reshaped([r, 1, d])
        let cache = KeyValueCache(for: base, batchSize: r)
        let first = try base.forward(embeddings: x, starts: [Int](repeating: 0, count: r), cache: cache)
        let rest = try base.forward(steps, cache: cache)
        let logits = concat([
            model.maskedLogits(first.logits, binary: [Bool](repeating: false, count: r)).reshaped([r, v]),
            model.maskedLogits(rest.logits, binary: [Bool](repeating: false, count: r * steps.length)).reshaped([r * steps.length, v]),
        ], axis: 0)
        let exact = ChainExactness.exactRows(logits: logits, targets: targets, rows: r, length: steps.length)
        return (ModelOps.crossEntropy(logits: logits, targets: targets), exact)
    }

    /// The figures of a batch computed in shards: each weighted by its share of the rows.
    struct Summary {
        let total, teacherCE, studentCE, distillation, stepCE: Double
        let latentNorms: [Double]
        /// Exact-chain fraction over the shards that had supervised steps (weighted by share).
        let chainExact: Double?

        init(_ parts: [DistillationLoss], shares: [Double]) {
            func weighted(_ value: (DistillationLoss) -> Double) -> Double {
                zip(parts, shares).reduce(0) { $0 + value($1.0) * $1.1 }
            }
            total = weighted { Double($0.total.item) }
            teacherCE = weighted(\.teacherCE)
            studentCE = weighted(\.studentCE)
            distillation = weighted(\.distillation)
            stepCE = weighted(\.stepCE)
            let steps = parts.map(\.latentNorms.count).max() ?? 0
            latentNorms = (0..<steps).map { k in weighted { k < $0.latentNorms.count ? $0.latentNorms[k] : 0 } }
            let measured = zip(parts, shares).compactMap { part, share in part.chainExact.map { ($0, share) } }
            let share = measured.reduce(0) { $0 + $1.1 }
            chainExact = share > 0 ? measured.reduce(0) { $0 + $1.0 * $1.1 } / share : nil
        }
    }

    /// Unbiased standard deviation of all elements (PyTorch's `Tensor.std()`).
    static func standardDeviation(_ t: Tensor) -> Float {
        let profiled = Profiler.open(.loss)
        defer { Profiler.close(profiled) }
        let n = t.count
        guard n > 1 else { return 0 }
        var mean = 0.0
        for i in 0..<n { mean += Double(t.data[i]) }
        mean /= Double(n)
        var s = 0.0
        for i in 0..<n { let x = Double(t.data[i]) - mean; s += x * x }
        return Float((s / Double(n - 1)).squareRoot())
    }

    static func rowNormMean(_ x: Tensor, _ d: Int) -> Double {
        let profiled = Profiler.open(.loss)
        defer { Profiler.close(profiled) }
        let rows = x.count / d
        var total = 0.0
        for r in 0..<rows {
            var s = 0.0
            for j in 0..<d { s += Double(x.data[r * d + j]) * Double(x.data[r * d + j]) }
            total += s.squareRoot()
        }
        return total / Double(max(rows, 1))
    }
}

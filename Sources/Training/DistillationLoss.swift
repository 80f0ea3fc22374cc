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
    /// When the student writes its later steps as text (a curriculum stage or a mixed row), the
    /// number of steps its latents stand for; nil when they stand for all of them.
    public var latentStepLimit: Int?
    /// For each reasoning step written in the teacher text (all but the last with
    /// `dropLastStep`), the teacher position whose next token is the step's first result digit:
    /// where the teacher computes that result. Empty when the steps cannot be found in the text.
    public var teacherStepAnchors: [Int]

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
        teacherStepAnchors = Self.stepAnchors(teacher, steps: stepTokens, tokenizer: tokenizer)
    }

    /// Finds each step's tokens in order after the prompt; the anchor is the position before the
    /// first digit after the step's last `=` (or its first digit, for a results-only step).
    static func stepAnchors(_ teacher: EncodedSequence, steps: [[Int]], tokenizer: Tokenizer) -> [Int] {
        let ids = teacher.ids
        let equals = tokenizer.id(of: "=")
        func isDigit(_ id: Int) -> Bool {
            guard let token = tokenizer.token(of: id), token.unicodeScalars.count == 1 else { return false }
            return PreTokenizer.isDigit(token.unicodeScalars.first!)
        }
        var anchors: [Int] = [], from = teacher.promptCount
        for step in steps where !step.isEmpty {
            guard from + step.count <= teacher.answerAnchor,
                  let start = (from...(teacher.answerAnchor - step.count)).first(where: { Array(ids[$0..<($0 + step.count)]) == step })
            else { break }
            let afterEquals = step.lastIndex { $0 == equals }.map { $0 + 1 } ?? 0
            guard let digit = step[afterEquals...].firstIndex(where: isDigit), start + digit > 0 else { break }
            anchors.append(start + digit - 1)
            from = start + step.count
        }
        return anchors
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
    /// Step-level supervision: row `i` decodes the step text `stepTokens.rows[i]` from the latent
    /// input vector at flat index `stepRows[i]` = (k − 1)·size + example of latent step k
    /// (k = 1…n, step min(k, steps)). `stepTargets`: one target per row for the latent position,
    /// then the row-major targets of `stepTokens`. Nil without `stepSupervision` or when no row
    /// has a step.
    public let stepTokens: TokenBatch?
    public let stepRows: [Int]
    public let stepTargets: [Int]
    /// Per-step hidden-state alignment (built with `stepSupervision`): pairs of a teacher
    /// position of row `example` (``DistillationExample/teacherStepAnchors``) and the student
    /// pass that produces the latent input decoding that step — `pass` −1 is the `<START>` chunk
    /// (row b), pass k ≥ 0 is latent chunk k (row b).
    public let stepAnchors: [(position: Int, pass: Int, example: Int)]
    /// The layout of the loss's passes: one prefix pass shared by the teacher and the student.
    public let shared: SharedPrefix
    /// Frozen distillation targets (FrozenTeacher): per row, every block's teacher state at the
    /// answer anchor. When set, the loss distils toward these instead of the live teacher pass.
    public var answerTargets: [[Float]]? = nil
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
        var anchors: [(position: Int, pass: Int, example: Int)] = []
        var rows: [Int] = [], texts: [[Int]] = []
        // The steps each row's latents stand for, once per row rather than once per latent.
        let placed = examples.map { e in e.latentStepLimit.map { alignment.placed(e.stepTokens, standingFor: $0) } ?? e.stepTokens }
        for k in 0..<(stepSupervision ? n : 0) {
            for (b, e) in examples.enumerated() where e.stepCount > 0 {
                let steps = placed[b]
                guard !steps.isEmpty, let (text, step) = alignment.target(latent: k, of: n, steps: steps) else { continue }
                if let step, step < e.teacherStepAnchors.count, k == 0 || alignment.step(latent: k - 1, of: n, steps: steps.count) != step {
                    anchors.append((e.teacherStepAnchors[step], k - 1, b))
                }
                guard !text.isEmpty else { continue }
                rows.append(k * examples.count + b)
                texts.append(text)
            }
        }
        stepRows = rows
        stepAnchors = anchors
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
    /// `teacherWeight·CE_T + studentWeight·CE_S + distillWeight·D` with its graph.
    public let total: Tensor
    public let teacherCE: Double
    public let studentCE: Double
    public let distillation: Double
    /// Cross-entropy of decoding each latent step's reasoning step (0 unless `stepWeight` > 0).
    public let stepCE: Double
    /// Per-step hidden-state distance (0 unless `stepDistillWeight` > 0).
    public let stepDistillation: Double
    /// Mean norm of the latent input vector at each step 1…n (averaged over rows).
    public let latentNorms: [Double]
    /// Of the rows with supervised steps, the fraction whose latents decode every one of them
    /// exactly (ChainExactness; nil without step supervision).
    public let chainExact: Double?
    /// Rows the answer's cross-entropy and distillation term were computed on (all, unless
    /// `gateAnswer`).
    public let answerRows: Int

    /// Runs the teacher and student passes of `batch` through `model`.
    public static func compute(
        model: LatentModel, batch: DistillationBatch, distillWeight: Float = 20,
        teacherWeight: Float = 1, studentWeight: Float = 1, stepWeight: Float = 0, stepDistillWeight: Float = 0,
        gateAnswer: Bool = false, distillFinal: Bool = true
    ) throws -> DistillationLoss {
        let base = model.base
        let (d, v) = (base.configuration.dimension, base.configuration.vocabularySize)
        let b = batch.size
        // Per-step alignment pairs, grouped by student pass (−1: the `<START>` chunk).
        let aligned = stepDistillWeight > 0 ? batch.stepAnchors.sorted { ($0.pass, $0.example) < ($1.pass, $1.example) } : []
        func studentRows(pass: Int, width: Int, last: Int) -> [Int]? {
            let rows = aligned.filter { $0.pass == pass }.map { $0.example * width + last }
            return rows.isEmpty ? nil : rows
        }
        // One pass over the shared prefix `<bos> Question: q` (SharedPrefix); its last column
        // predicts the teacher's first CoT token and the student's <START>.
        let shared = batch.shared
        let cache = KeyValueCache(for: base, batchSize: b, starts: shared.prefix.starts)
        let frozen = batch.answerTargets.map { FrozenTeacher.tensors($0, dimension: d) }
        let runTeacher = teacherWeight > 0 || (distillWeight > 0 && frozen == nil) || !aligned.isEmpty
        // Teacher positions whose states are needed: the answer anchors (unless frozen), then the
        // step anchors.
        let teacherPositions = (frozen == nil ? batch.answerAnchors.enumerated().map { (row: $0, position: $1) } : [])
            + aligned.map { (row: $0.example, position: $0.position) }
        let stateRows = runTeacher && !teacherPositions.isEmpty ? shared.stateRows(teacherPositions) : (rest: [], prefix: [], order: [])
        let prefixOut = try base.forward(shared.prefix, cache: cache, hiddenRows: stateRows.prefix.isEmpty ? nil : stateRows.prefix,
                                         lastPositionOnly: true)
        let prefixLogits = model.maskedLogits(prefixOut.logits, binary: [Bool](repeating: false, count: b)).reshaped([b, v])
        // Teacher pass: the CoT after the prefix, over a copy of the prefix's cache; skipped when
        // neither its cross-entropy nor its states are used.
        var ceT = Tensor(scalar: 0)
        var teacherStates: [Tensor] = []
        if runTeacher {
            let rest = shared.teacherRest
            let active = shared.teacherRestTargets.indices.filter { shared.teacherRestTargets[$0] != ModelOps.ignoredTarget }
            let out = try base.forward(rest, cache: cache.repeating(rows: Array(0..<b)),
                                       hiddenRows: teacherPositions.isEmpty ? nil : stateRows.rest, logitRows: active)
            let logits = model.maskedLogits(out.logits, binary: [Bool](repeating: false, count: active.count))
            ceT = ModelOps.crossEntropy(logits: concat([prefixLogits, logits], axis: 0),
                                        targets: shared.teacherFirstTargets + active.map { shared.teacherRestTargets[$0] })
            if !teacherPositions.isEmpty {
                teacherStates = SharedPrefix.teacherStates(rest: out.layerStates, prefix: prefixOut.layerStates, order: stateRows.order)
            }
        }
        if let frozen { teacherStates = frozen }
        // Student pass: <START>, the latent steps and the answer, chunked through the prefix's
        // differentiable cache.
        let startOut = try base.forward(TokenBatch(rows: [[Int]](repeating: [model.tokens.start], count: b), padID: batch.padID),
                                        cache: cache, hiddenRows: studentRows(pass: -1, width: 1, last: 0))
        var alignedStates = startOut.layerStates.map { [$0] }
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
            let out = try base.forward(embeddings: x.reshaped([b, 1, d]), starts: cache.starts, cache: cache,
                                       hiddenRows: studentRows(pass: k, width: 1, last: 0))
            for (l, state) in out.layerStates.enumerated() {
                if alignedStates.count <= l { alignedStates.append([]) }
                alignedStates[l].append(state)
            }
            logitParts.append(model.maskedLogits(out.logits, binary: [Bool](repeating: true, count: b)).reshaped([b, v]))
            targets += [Int](repeating: k + 1 < batch.latentCount ? model.tokens.continue : model.tokens.stop, count: b)
            h = out.hidden.reshaped([b, d])
        }
        // Step-level supervision, before the answer: with `gateAnswer` its per-row exactness
        // decides which rows the answer is trained on.
        var stepTerm: Tensor? = nil
        var chain = ChainExactness(rows: [], exact: [], batchSize: b)
        if stepWeight > 0, let steps = batch.stepTokens {
            let (ce, exact) = try stepLoss(model: model, inputs: concat(latentInputs, axis: 0), rows: batch.stepRows,
                                           steps: steps, targets: batch.stepTargets)
            stepTerm = ce
            chain = ChainExactness(rows: batch.stepRows, exact: exact, batchSize: b)
        }
        let answerRows = gateAnswer ? chain.exactExamples : Array(0..<b)
        let t = batch.tail.length
        let tailActive = answerRows.flatMap { row in (row * t..<(row + 1) * t).filter { batch.tailTargets[$0] != ModelOps.ignoredTarget } }
        let tailOut = try base.forward(batch.tail, cache: cache, hiddenRows: batch.tailAnchors, logitRows: tailActive)
        if !tailActive.isEmpty {
            logitParts.append(model.maskedLogits(tailOut.logits, binary: [Bool](repeating: false, count: tailActive.count)))
            targets += tailActive.map { batch.tailTargets[$0] }
        }
        let ceS = ModelOps.crossEntropy(logits: concat(logitParts, axis: 0), targets: targets)
        // Distillation at the answer anchor, every block (the teacher's first b state rows), on
        // the answer's rows.
        let allRows = answerRows.count == b
        let answerStates = aligned.isEmpty && allRows ? teacherStates : teacherStates.map { ModelOps.gatherRows($0, rows: answerRows) }
        let studentStates = allRows ? tailOut.layerStates : tailOut.layerStates.map { ModelOps.gatherRows($0, rows: answerRows) }
        // Without `distillFinal` the last entry — the final normed state, the input of the first
        // answer token's logits — is left out: only the residual streams between blocks are matched.
        let kept = distillFinal ? studentStates.count : studentStates.count - 1
        let dist = answerRows.isEmpty || kept < 1 ? Tensor(scalar: 0)
            : layerDistance(Array(studentStates.prefix(kept)), Array(answerStates.prefix(kept)))
        var total = ceT * teacherWeight + ceS * studentWeight + dist * distillWeight
        var stepDistill = 0.0
        if !aligned.isEmpty {
            let rows = Array(b..<(b + aligned.count))
            let term = layerDistance(alignedStates.map { concat($0, axis: 0) }, teacherStates.map { ModelOps.gatherRows($0, rows: rows) })
            total = total + term * stepDistillWeight
            stepDistill = Double(term.item)
        }
        var stepCE = 0.0
        if let ce = stepTerm {
            total = total + ce * stepWeight
            stepCE = Double(ce.item)
        }
        return DistillationLoss(total: total, teacherCE: Double(ceT.item), studentCE: Double(ceS.item),
                                distillation: Double(dist.item), stepCE: stepCE, stepDistillation: stepDistill, latentNorms: norms,
                                chainExact: chain.fraction, answerRows: answerRows.count)
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
        let total, teacherCE, studentCE, distillation, stepCE, stepDistillation: Double
        let latentNorms: [Double]
        /// Exact-chain fraction over the shards that had supervised steps (weighted by share).
        let chainExact: Double?
        let answerRows: Int

        init(_ parts: [DistillationLoss], shares: [Double]) {
            func weighted(_ value: (DistillationLoss) -> Double) -> Double {
                zip(parts, shares).reduce(0) { $0 + value($1.0) * $1.1 }
            }
            total = weighted { Double($0.total.item) }
            teacherCE = weighted(\.teacherCE)
            studentCE = weighted(\.studentCE)
            distillation = weighted(\.distillation)
            stepCE = weighted(\.stepCE)
            stepDistillation = weighted(\.stepDistillation)
            let steps = parts.map(\.latentNorms.count).max() ?? 0
            latentNorms = (0..<steps).map { k in weighted { k < $0.latentNorms.count ? $0.latentNorms[k] : 0 } }
            let measured = zip(parts, shares).compactMap { part, share in part.chainExact.map { ($0, share) } }
            let share = measured.reduce(0) { $0 + $1.1 }
            chainExact = share > 0 ? measured.reduce(0) { $0 + $1.0 * $1.1 } / share : nil
            answerRows = parts.reduce(0) { $0 + $1.answerRows }
        }
    }

    /// Unbiased standard deviation of all elements (PyTorch's `Tensor.std()`).
    static func standardDeviation(_ t: Tensor) -> Float {
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

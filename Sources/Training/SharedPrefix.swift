// The teacher and the student text of a distillation example begin with the same tokens,
// `<bos> Question: q`; with causal attention their states there are the same. One pass over
// that prefix serves both: the teacher's CoT continues from a copy of the prefix's key/value
// cache and the student's `<START>`, latent steps and answer from the cache itself. The loss
// and its gradient are those of two separate passes (the prefix's gradient is the sum of what
// both continuations send back), for about a third less work per step.

import Datasets
import Models
import TensorCore

/// The batch of a distillation step laid out around one shared prefix pass.
public struct SharedPrefix {
    /// `<bos> Question: q`, left-padded: every row's last question token is the last column.
    public let prefix: TokenBatch
    /// The teacher's first target (its first CoT or answer token), predicted at the last column.
    public let teacherFirstTargets: [Int]
    /// The rest of the teacher text, without its last token, right-padded after the prefix.
    public let teacherRest: TokenBatch
    /// Targets of `teacherRest` per flat position (``ModelOps/ignoredTarget`` on padding).
    public let teacherRestTargets: [Int]
    /// Prefix length (`promptCount`) of each row: teacher position t ≥ it is rest column t − it.
    public let promptCounts: [Int]

    /// - Precondition: every teacher sequence has `promptCount` ≥ 1 and at least one token after it.
    public init(_ examples: [DistillationExample], padID: Int) {
        promptCounts = examples.map(\.teacher.promptCount)
        prefix = TokenBatch(rows: examples.map { Array($0.teacher.ids[0..<$0.teacher.promptCount]) }, padID: padID, padding: .left)
        teacherFirstTargets = examples.map { $0.teacher.ids[$0.teacher.promptCount] }
        let rests = examples.map { Array($0.teacher.ids[$0.teacher.promptCount...]) }
        let rest = TokenBatch(rows: rests.map { Array($0.dropLast()) }, padID: padID, padding: .right)
        teacherRest = rest
        var targets = [Int](repeating: ModelOps.ignoredTarget, count: rest.batchSize * rest.length)
        for (b, row) in rests.enumerated() { for i in 0..<(row.count - 1) { targets[b * rest.length + i] = row[i + 1] } }
        teacherRestTargets = targets
    }

    /// Where teacher position `t` of row `b` is: a flat row of `teacherRest`, or (for the last
    /// prefix position) the prefix's last column of row `b`.
    enum Place: Equatable {
        case rest(Int)
        case prefixEnd(Int)
    }

    func place(row b: Int, position t: Int) -> Place {
        let p = promptCounts[b]
        precondition(t >= p - 1, "SharedPrefix: teacher position \(t) lies inside the question (prefix \(p))")
        return t >= p ? .rest(b * teacherRest.length + t - p) : .prefixEnd(b)
    }

    /// The hidden-state rows to ask of each pass for teacher positions `(row, position)`, and
    /// `order`: where each asked position sits in the rest rows followed by the prefix rows.
    func stateRows(_ positions: [(row: Int, position: Int)]) -> (rest: [Int], prefix: [Int], order: [Int]) {
        var rest: [Int] = [], prefixRows: [Int] = [], slots: [(Bool, Int)] = []
        let width = prefix.length
        for (b, t) in positions {
            switch place(row: b, position: t) {
            case .rest(let r): slots.append((true, rest.count)); rest.append(r)
            case .prefixEnd(let b): slots.append((false, prefixRows.count)); prefixRows.append(b * width + width - 1)
            }
        }
        return (rest, prefixRows, slots.map { $0.0 ? $0.1 : rest.count + $0.1 })
    }

    /// Joins the detached teacher states of both passes per block, in the order asked.
    static func teacherStates(rest: [Tensor], prefix: [Tensor], order: [Int]) -> [Tensor] {
        guard !prefix.isEmpty else { return rest.map { $0.detached() } }
        return zip(rest, prefix).map { ModelOps.gatherRows(concat([$0.detached(), $1.detached()], axis: 0), rows: order) }
    }
}

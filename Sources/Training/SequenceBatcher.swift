// SequenceBatcher: turns tokenized training sequences into padded mini-batches, bucketed by
// length so that little compute goes to padding.

import Datasets
import Models
import Support
import TensorCore

/// One training sequence: token ids and the number of leading prompt tokens that carry no loss.
public struct TrainingSequence: Sendable, Equatable {
    public var ids: [Int]
    public var promptCount: Int
    public init(ids: [Int], promptCount: Int) {
        self.ids = ids
        self.promptCount = promptCount
    }
}

/// A right-padded mini-batch with its next-token targets.
public struct TrainingBatch: Sendable, Equatable {
    /// Inputs: every sequence without its last token, right-padded.
    public var inputs: TokenBatch
    /// `targets[b·T + t]` is the token after input position `t`, or
    /// ``ModelOps/ignoredTarget`` for prompt predictions and padding.
    public var targets: [Int]
    /// Non-padding input tokens and target tokens.
    public var tokens: Int
    public var targetTokens: Int

    /// Builds the batch for `sequences`. Position `t` predicts `ids[t + 1]`, and only targets
    /// at index `≥ promptCount` count (everything after the question).
    public init(_ sequences: [TrainingSequence], padID: Int) {
        let rows = sequences.map { Array($0.ids.dropLast()) }
        inputs = TokenBatch(rows: rows, padID: padID, padding: .right)
        let length = inputs.length
        var targets = [Int](repeating: ModelOps.ignoredTarget, count: sequences.count * length)
        var count = 0
        for (b, s) in sequences.enumerated() {
            for t in 0..<(s.ids.count - 1) where t + 1 >= s.promptCount {
                targets[b * length + t] = s.ids[t + 1]
                count += 1
            }
        }
        self.targets = targets
        tokens = rows.reduce(0) { $0 + $1.count }
        targetTokens = count
    }
}

/// Plans the batches of each epoch: a seeded shuffle, then within chunks of
/// `batchesPerChunk` batches the sequences are sorted by length and cut into batches, whose
/// order is shuffled again. Padding waste stays around 1 % while batches stay random.
public struct SequenceBatcher: Sendable {
    public let sequences: [TrainingSequence]
    public let batchSize: Int
    public let batchesPerChunk: Int
    public let padID: Int

    public init(sequences: [TrainingSequence], batchSize: Int, batchesPerChunk: Int = 50, padID: Int) {
        precondition(batchSize > 0 && batchesPerChunk > 0)
        self.sequences = sequences
        self.batchSize = batchSize
        self.batchesPerChunk = batchesPerChunk
        self.padID = padID
    }

    /// Number of batches in one epoch (the last one may be smaller).
    public var batchesPerEpoch: Int { (sequences.count + batchSize - 1) / batchSize }

    /// The batches of epoch `epoch` as lists of sequence indices; depends only on `seed` and
    /// `epoch`.
    public func plan(epoch: Int, seed: UInt64) -> [[Int]] {
        var rng = SplitMix64(seed: seed &+ 0x9E37_79B9 &* UInt64(epoch + 1))
        var order = Array(sequences.indices)
        order.shuffle(using: &rng)
        var batches: [[Int]] = []
        let chunkSize = batchSize * batchesPerChunk
        for chunkStart in stride(from: 0, to: order.count, by: chunkSize) {
            let chunk = order[chunkStart..<min(order.count, chunkStart + chunkSize)]
                .sorted { (sequences[$0].ids.count, $0) < (sequences[$1].ids.count, $1) }
            var chunkBatches: [[Int]] = []
            for s in stride(from: 0, to: chunk.count, by: batchSize) {
                chunkBatches.append(Array(chunk[(chunk.startIndex + s)..<min(chunk.endIndex, chunk.startIndex + s + batchSize)]))
            }
            chunkBatches.shuffle(using: &rng)
            batches += chunkBatches
        }
        return batches
    }

    /// The padded batch for a list of sequence indices.
    public func batch(_ indices: [Int]) -> TrainingBatch {
        TrainingBatch(indices.map { sequences[$0] }, padID: padID)
    }
}

// TokenBatch: a rectangle of token ids with per-row padding, the input of a forward call.

/// Token ids of `batchSize` rows of `length` positions (row-major), padded on the left or the
/// right. `starts[b]` is the index of row `b`'s first real token (its number of left pads):
/// attention never looks at positions before it and positions count from it, so a left-padded
/// row gets the same positions as the unpadded sequence. Right padding needs no mask at all —
/// with causal attention real tokens never see the pads that follow them — so its starts are 0.
public struct TokenBatch: Sendable, Equatable {
    /// Which side padding goes on.
    public enum Padding: Sendable {
        /// Pads after the tokens (training: every row starts at position 0).
        case right
        /// Pads before the tokens (batched generation: every row's last token is aligned).
        case left
    }

    public let tokens: [Int]
    public let batchSize: Int
    public let length: Int
    public let starts: [Int]
    /// Number of real tokens in each row.
    public let lengths: [Int]

    /// Pads `rows` to a common length with `padID`.
    /// - Precondition: at least one row; empty rows are allowed only with right padding.
    public init(rows: [[Int]], padID: Int, padding: Padding = .right) {
        precondition(!rows.isEmpty, "TokenBatch needs at least one row")
        let length = rows.map(\.count).max() ?? 0
        var tokens: [Int] = []
        tokens.reserveCapacity(rows.count * length)
        var starts: [Int] = []
        for row in rows {
            let pads = [Int](repeating: padID, count: length - row.count)
            switch padding {
            case .right:
                tokens += row + pads
                starts.append(0)
            case .left:
                tokens += pads + row
                starts.append(length - row.count)
            }
        }
        self.tokens = tokens
        self.batchSize = rows.count
        self.length = length
        self.starts = starts
        self.lengths = rows.map(\.count)
    }

    /// A batch from raw parts; `tokens.count` must be `batchSize · length`.
    public init(tokens: [Int], batchSize: Int, length: Int, starts: [Int]? = nil) {
        precondition(tokens.count == batchSize * length, "TokenBatch: \(tokens.count) ids for \(batchSize)×\(length)")
        self.tokens = tokens
        self.batchSize = batchSize
        self.length = length
        self.starts = starts ?? [Int](repeating: 0, count: batchSize)
        self.lengths = self.starts.map { length - $0 }
    }
}

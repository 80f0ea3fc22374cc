// The fixed-count frontier of a latent model: the (mean total length, accuracy) points of the
// model forced to think 0, 1, …, n latent steps on every problem, and the two references an
// adaptive stop is judged against — the best single forced count and the per-difficulty oracle.

/// One forced count's evaluation, split by difficulty (the problems' reference step counts).
public struct ForcedCountPoint: Sendable, Equatable {
    /// Latent steps forced on every problem.
    public var count: Int
    /// Accuracy over all problems (0…1).
    public var accuracy: Double
    /// Mean total reasoning length (latent steps + 2, as the paper counts it) = count + 2.
    public var meanLength: Double { Double(count + 2) }
    /// Accuracy and problem count by difficulty, ascending step counts.
    public var byDifficulty: [(steps: Int, count: Int, accuracy: Double)]

    public init(count: Int, accuracy: Double, byDifficulty: [(steps: Int, count: Int, accuracy: Double)]) {
        self.count = count
        self.accuracy = accuracy
        self.byDifficulty = byDifficulty
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.count == b.count && a.accuracy == b.accuracy
            && a.byDifficulty.map(\.steps) == b.byDifficulty.map(\.steps)
            && a.byDifficulty.map(\.count) == b.byDifficulty.map(\.count)
            && a.byDifficulty.map(\.accuracy) == b.byDifficulty.map(\.accuracy)
    }
}

/// A policy's place on the (mean total length, accuracy) plane.
public struct LengthAccuracy: Sendable, Equatable {
    public var meanLength: Double
    public var accuracy: Double
    public init(meanLength: Double, accuracy: Double) {
        self.meanLength = meanLength
        self.accuracy = accuracy
    }
}

/// The forced-count points of one model and what follows from them.
public struct FixedCountFrontier: Sendable, Equatable {
    /// One point per forced count, ascending counts.
    public var points: [ForcedCountPoint]
    /// How close to a difficulty's best accuracy the oracle's count must come (0.01: one point).
    public var oracleTolerance: Double

    public init(points: [ForcedCountPoint], oracleTolerance: Double = 0.01) {
        self.points = points.sorted { $0.count < $1.count }
        self.oracleTolerance = oracleTolerance
    }

    /// The most accurate forced count (ties: the shorter).
    public var bestSingle: ForcedCountPoint? {
        points.max { ($0.accuracy, -$0.count) < ($1.accuracy, -$1.count) }
    }

    /// The per-difficulty oracle: for each step count, the smallest forced count whose accuracy on
    /// that difficulty is within ``oracleTolerance`` of the best forced count's there. Its accuracy
    /// and mean length weight each difficulty by its problem count.
    public var oracle: (point: LengthAccuracy, countByDifficulty: [(steps: Int, count: Int)])? {
        guard let first = points.first, !first.byDifficulty.isEmpty else { return nil }
        var chosen: [(steps: Int, count: Int)] = []
        var correct = 0.0, length = 0.0, total = 0
        for (d, difficulty) in first.byDifficulty.enumerated() {
            let accuracies = points.map { $0.byDifficulty.indices.contains(d) ? $0.byDifficulty[d].accuracy : 0 }
            let best = accuracies.max() ?? 0
            let pick = points.indices.first { accuracies[$0] >= best - oracleTolerance - 1e-12 } ?? 0
            chosen.append((difficulty.steps, points[pick].count))
            correct += accuracies[pick] * Double(difficulty.count)
            length += points[pick].meanLength * Double(difficulty.count)
            total += difficulty.count
        }
        guard total > 0 else { return nil }
        return (LengthAccuracy(meanLength: length / Double(total), accuracy: correct / Double(total)), chosen)
    }

    /// The upper concave hull of the forced-count points: every (length, accuracy) a fixed-count
    /// policy reaches, mixing two neighbouring counts at random to land between them. Ascending
    /// lengths.
    public var hull: [LengthAccuracy] {
        var hull: [LengthAccuracy] = []
        for p in points.map({ LengthAccuracy(meanLength: $0.meanLength, accuracy: $0.accuracy) }) {
            while hull.count >= 2 {
                let a = hull[hull.count - 2], b = hull[hull.count - 1]
                // Drop b when it lies on or under the segment from a to p.
                let cross = (b.meanLength - a.meanLength) * (p.accuracy - a.accuracy)
                    - (b.accuracy - a.accuracy) * (p.meanLength - a.meanLength)
                if cross >= 0 { hull.removeLast() } else { break }
            }
            hull.append(p)
        }
        // Past the most accurate point a longer count only loses: the frontier stays flat there.
        if let top = hull.indices.max(by: { hull[$0].accuracy < hull[$1].accuracy }) { hull.removeSubrange((top + 1)...) }
        return hull
    }

    /// The frontier's accuracy at mean total length `length`: linear interpolation on ``hull``,
    /// flat past its ends (no fixed count is shorter than 2; past the best, longer does not help).
    public func accuracy(atLength length: Double) -> Double? {
        let h = hull
        guard let first = h.first, let last = h.last else { return nil }
        if length <= first.meanLength { return length < first.meanLength ? nil : first.accuracy }
        if length >= last.meanLength { return last.accuracy }
        for (a, b) in zip(h, h.dropFirst()) where length <= b.meanLength {
            let t = (length - a.meanLength) / (b.meanLength - a.meanLength)
            return a.accuracy + t * (b.accuracy - a.accuracy)
        }
        return last.accuracy
    }

    /// How far `policy` lies above (positive) or below the frontier at its own mean length, in
    /// accuracy (0…1); nil when it is shorter than any fixed count (no frontier point to compare).
    public func margin(of policy: LengthAccuracy) -> Double? {
        accuracy(atLength: policy.meanLength).map { policy.accuracy - $0 }
    }
}

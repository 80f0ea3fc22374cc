import Foundation
import Support

/// An ordered, immutable collection of ``Example``s (a value type).
///
/// `Dataset` is a `RandomAccessCollection`, so `count`, `data[i]`, `for example in data`, `map`
/// and friends all work. `source` is a short human-readable note of where the data came from
/// (e.g. `arith(n: 1000, steps: 1...4, max: 99, seed: 0)` or a file path); it is carried along
/// by ``take(_:)`` and ``split(fraction:seed:)`` but is not part of equality.
public struct Dataset: RandomAccessCollection, Sendable, Equatable {
    /// The examples, in order.
    public private(set) var examples: [Example]
    /// Where the data came from, for display.
    public var source: String

    /// Creates a dataset from examples.
    public init(_ examples: [Example], source: String = "") {
        self.examples = examples
        self.source = source
    }

    public var startIndex: Int { examples.startIndex }
    public var endIndex: Int { examples.endIndex }
    public subscript(position: Int) -> Example { examples[position] }

    public static func == (lhs: Dataset, rhs: Dataset) -> Bool { lhs.examples == rhs.examples }

    /// The first `n` examples (all of them when `n` exceeds the count).
    /// - Throws: ``DatasetError/invalidArgument(function:argument:message:)`` when `n < 0`.
    public func take(_ n: Int) throws -> Dataset {
        guard n >= 0 else {
            throw DatasetError.invalidArgument(
                function: "take", argument: "n", message: "must be 0 or more (got \(n))")
        }
        return Dataset(Array(examples.prefix(n)), source: source)
    }

    /// Splits into a training and a test part after a deterministic shuffle.
    ///
    /// The examples are shuffled with ``SplitMix64`` seeded by `seed` (Fisher–Yates); the first
    /// `round(fraction × count)` go to `train`, the rest to `test`. The same seed always gives
    /// the same split.
    /// - Throws: when `fraction` is not a finite number from 0 to 1.
    public func split(fraction: Double, seed: Int = 0) throws -> (train: Dataset, test: Dataset) {
        guard fraction.isFinite, fraction >= 0, fraction <= 1 else {
            throw DatasetError.invalidArgument(
                function: "split", argument: "fraction",
                message: "must be a number from 0 to 1, e.g. 0.9 (got \(fraction))")
        }
        var shuffled = examples
        var rng = SplitMix64(seed: seed)
        rng.shuffle(&shuffled)
        let trainCount = Swift.min(shuffled.count, Int((fraction * Double(shuffled.count)).rounded()))
        return (
            Dataset(Array(shuffled[..<trainCount]), source: source),
            Dataset(Array(shuffled[trainCount...]), source: source)
        )
    }

    /// Summary figures of this dataset (see ``DatasetStatistics``).
    public var statistics: DatasetStatistics { DatasetStatistics(self) }

    /// How many examples have each step count, e.g. `[1: 250, 2: 249, …]`.
    public var countByStepCount: [Int: Int] {
        examples.reduce(into: [:]) { counts, example in counts[example.stepCount, default: 0] += 1 }
    }
}

/// Summary figures of a dataset. Lengths are given in characters and in pre-tokenizer pieces
/// (the units of the model's ``Tokenizer``: words, punctuation marks and single digits).
public struct DatasetStatistics: Sendable, Equatable {
    /// Number of examples.
    public var count: Int
    /// Examples per step count, sorted by step count.
    public var byStepCount: [(stepCount: Int, count: Int)]
    /// Mean number of reasoning steps.
    public var meanStepCount: Double
    /// Mean question length in characters.
    public var meanQuestionCharacters: Double
    /// Mean chain-of-thought length (``Example/cotText``) in characters.
    public var meanCoTCharacters: Double
    /// Mean question length in tokenizer pieces.
    public var meanQuestionPieces: Double
    /// Mean chain-of-thought length in tokenizer pieces.
    public var meanCoTPieces: Double

    /// Computes the statistics of `dataset`; every mean is 0 for an empty dataset.
    public init(_ dataset: Dataset) {
        count = dataset.count
        byStepCount = dataset.countByStepCount.sorted { $0.key < $1.key }
            .map { (stepCount: $0.key, count: $0.value) }
        let n = Double(Swift.max(1, dataset.count))
        var steps = 0, questionChars = 0, cotChars = 0, questionPieces = 0, cotPieces = 0
        for example in dataset {
            let cot = example.cotText
            steps += example.stepCount
            questionChars += example.question.count
            cotChars += cot.count
            questionPieces += PreTokenizer.pieces(of: example.question).count
            cotPieces += PreTokenizer.pieces(of: cot).count
        }
        meanStepCount = Double(steps) / n
        meanQuestionCharacters = Double(questionChars) / n
        meanCoTCharacters = Double(cotChars) / n
        meanQuestionPieces = Double(questionPieces) / n
        meanCoTPieces = Double(cotPieces) / n
    }

    public static func == (lhs: DatasetStatistics, rhs: DatasetStatistics) -> Bool {
        lhs.count == rhs.count
            && lhs.byStepCount.map(\.stepCount) == rhs.byStepCount.map(\.stepCount)
            && lhs.byStepCount.map(\.count) == rhs.byStepCount.map(\.count)
            && lhs.meanStepCount == rhs.meanStepCount
            && lhs.meanQuestionCharacters == rhs.meanQuestionCharacters
            && lhs.meanCoTCharacters == rhs.meanCoTCharacters
            && lhs.meanQuestionPieces == rhs.meanQuestionPieces
            && lhs.meanCoTPieces == rhs.meanCoTPieces
    }
}

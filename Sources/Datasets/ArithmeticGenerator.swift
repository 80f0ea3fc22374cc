import Foundation
import Support

extension Dataset {
    /// Generates `n` arithmetic word problems in GSM8K-Aug form (the language's `arith`).
    ///
    /// Each problem is a chain: a start value `a0` in `1...max`, then `k` steps `v ← v op b`
    /// with `k` drawn uniformly from `steps`. At each step the operation is chosen uniformly
    /// among those that are feasible for the current value:
    /// - `+`: `b` in `1...max` with `v + b ≤ 999`;
    /// - `-`: `b` in `1...min(max, v)`, so the result is never negative;
    /// - `*`: the small operand `b` in `2...min(9, max)` with `v · b ≤ 999`;
    /// - `/`: exact division by `b` in `2...min(9, max)` with `v / b ≥ 1`.
    ///
    /// So every intermediate value is a whole number from 0 to 999 and no operand exceeds `max`.
    /// The English text states only the start value and the operands — never an intermediate
    /// result — in one of 14 situations (see `Situations.swift`), and ends with a question.
    /// Steps are `"<<a op b=r>>"` with `op` one of `+ - * /`; the answer is the final value.
    ///
    /// Problems are drawn one after another from a ``SplitMix64`` seeded with `seed`, so the
    /// same arguments give the same problems on every run and platform, and a larger `n` with
    /// the same other arguments extends a smaller one.
    /// - Throws: ``DatasetError/invalidArgument(function:argument:message:)`` for `n < 1` or
    ///   `n > 10_000_000`, a `steps` range outside `1...10`, or `max` outside `2...999`.
    public static func arith(
        n: Int = 1000, steps: ClosedRange<Int> = 1...4, max: Int = 99, seed: Int = 0
    ) throws -> Dataset {
        let generator = try ArithmeticGenerator(steps: steps, maxOperand: max)
        guard n >= 1, n <= 10_000_000 else {
            throw DatasetError.invalidArgument(
                function: "arith", argument: "n",
                message: "must be a whole number from 1 to 10000000 (got \(n))")
        }
        var rng = SplitMix64(seed: seed)
        let examples = (0..<n).map { _ in generator.problem(using: &rng) }
        let stepText = steps.count == 1 ? "\(steps.lowerBound)" : "\(steps)"
        return Dataset(examples, source: "arith(n: \(n), steps: \(stepText), max: \(max), seed: \(seed))")
    }

    /// ``arith(n:steps:max:seed:)`` with a fixed number of steps per problem.
    public static func arith(n: Int = 1000, steps: Int, max: Int = 99, seed: Int = 0) throws -> Dataset {
        try arith(n: n, steps: steps...steps, max: max, seed: seed)
    }
}

/// One arithmetic operation of a generated chain.
enum ChainOperation: Int, CaseIterable, Sendable {
    case add, subtract, multiply, divide

    var symbol: String {
        switch self {
        case .add: "+"
        case .subtract: "-"
        case .multiply: "*"
        case .divide: "/"
        }
    }

    func apply(_ a: Int, _ b: Int) -> Int {
        switch self {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        }
    }
}

/// One step of a chain: `value op operand = result`.
struct ChainStep: Sendable, Equatable {
    var value: Int
    var operation: ChainOperation
    var operand: Int
    var result: Int { operation.apply(value, operand) }
    /// The GSM8K-Aug equation, e.g. `<<72-38=34>>`.
    var equation: String { "<<\(value)\(operation.symbol)\(operand)=\(result)>>" }
}

/// Draws chains of arithmetic steps and dresses them in words.
struct ArithmeticGenerator: Sendable {
    /// Largest value any intermediate may take.
    static let largestValue = 999
    /// Largest small operand of `*` and `/`.
    static let largestFactor = 9

    let steps: ClosedRange<Int>
    let maxOperand: Int

    init(steps: ClosedRange<Int>, maxOperand: Int) throws {
        guard steps.lowerBound >= 1, steps.upperBound <= 10 else {
            throw DatasetError.invalidArgument(
                function: "arith", argument: "steps",
                message: "must be a number or a range within 1...10, e.g. 3 or 1...4 (got \(steps))")
        }
        guard maxOperand >= 2, maxOperand <= Self.largestValue else {
            throw DatasetError.invalidArgument(
                function: "arith", argument: "max",
                message: "must be a whole number from 2 to 999 (got \(maxOperand))")
        }
        self.steps = steps
        self.maxOperand = maxOperand
    }

    /// Draws one chain of `count` steps starting at a random value.
    func chain(using rng: inout SplitMix64) -> (start: Int, steps: [ChainStep]) {
        let count = rng.int(in: steps)
        let start = rng.int(in: 1...maxOperand)
        var value = start
        var chain: [ChainStep] = []
        for _ in 0..<count {
            let step = nextStep(from: value, using: &rng)
            chain.append(step)
            value = step.result
        }
        return (start, chain)
    }

    /// The operations feasible for `value`, in a fixed order.
    func feasibleOperations(for value: Int) -> [ChainOperation] {
        ChainOperation.allCases.filter { !operands(for: $0, value: value).isEmpty }
    }

    /// Every operand `b` that keeps `value op b` within the rules.
    func operands(for operation: ChainOperation, value: Int) -> [Int] {
        let factorLimit = min(Self.largestFactor, maxOperand)
        switch operation {
        case .add:
            let limit = min(maxOperand, Self.largestValue - value)
            return limit >= 1 ? Array(1...limit) : []
        case .subtract:
            let limit = min(maxOperand, value)
            return limit >= 1 ? Array(1...limit) : []
        case .multiply:
            guard value >= 1 else { return [] }
            let limit = min(factorLimit, Self.largestValue / value)
            return limit >= 2 ? Array(2...limit) : []
        case .divide:
            guard factorLimit >= 2 else { return [] }
            return (2...factorLimit).filter { value % $0 == 0 && value / $0 >= 1 }
        }
    }

    private func nextStep(from value: Int, using rng: inout SplitMix64) -> ChainStep {
        let feasible = feasibleOperations(for: value)
        // `+` is feasible below 999 and `-` above 0, so there is always a choice.
        precondition(!feasible.isEmpty, "no feasible operation for \(value)")
        let operation = rng.element(of: feasible)
        let operand = rng.element(of: operands(for: operation, value: value))
        return ChainStep(value: value, operation: operation, operand: operand)
    }

    /// One complete problem: chain, wording, equations and answer.
    func problem(using rng: inout SplitMix64) -> Example {
        let (start, chain) = chain(using: &rng)
        let question = ProblemWriter.write(start: start, steps: chain, using: &rng)
        let answer = chain.last?.result ?? start
        return Example(question: question, steps: chain.map(\.equation), answer: String(answer))
    }
}

// What one `latent reproduce` run trains and evaluates: the task, the model, every stage's
// budget and recipe, the seeds. It is stored in DIR/config.json when the run starts; a later
// command on the same DIR must ask for exactly the same (threads aside: they change speed, not
// results), so a resumed run never mixes two configurations.

import Foundation

struct ReproduceConfig: Codable, Equatable {
    /// The generated problems: `arith(n:, steps: minSteps...maxSteps, max: maxOperand, seed:)`,
    /// split `split`.
    struct Task: Codable, Equatable {
        var n: Int
        var minSteps: Int
        var maxSteps: Int
        var maxOperand: Int
        var seed: Int
        var split: Double

        var call: String { "arith(n: \(n), steps: \(minSteps)...\(maxSteps), max: \(maxOperand), seed: \(seed))" }
    }

    /// `model(…, dim:, layers:, heads:)`.
    struct Shape: Codable, Equatable {
        var dim: Int
        var layers: Int
        var heads: Int
    }

    /// `rl(…, penalty:, lr:, validate_every:, select:)` where given.
    struct RLSettings: Codable, Equatable {
        var penalty: Double?
        var learningRate: Double?
        var validateEvery: Int?
        var select: String?

        static let recipe = RLSettings()

        /// The arguments, each followed by ", ", in the order of `rl`'s parameters.
        var arguments: String {
            var out = ""
            if let learningRate { out += "lr: \(learningRate), " }
            if let penalty { out += "penalty: \(penalty), " }
            if let validateEvery { out += "validate_every: \(validateEvery), " }
            if let select { out += "select: \"\(select)\", " }
            return out
        }
    }

    /// One stage's budget: optimizer steps, or minutes when the run is budgeted by time.
    struct Budget: Codable, Equatable {
        var steps: Int
        var minutes: Double
    }

    /// "full", "quick" or "tiny" (tests only).
    var preset: String
    /// "steps" (the default: figures independent of the machine's speed) or "minutes".
    var budgetKind: String
    var task: Task
    var shape: Shape
    /// RL prompts: `arith(n:, steps: like the task, seed:)`, none of them in the task's problems.
    var rlPrompts: Task
    var teacher: Budget
    var nocot: Budget
    /// SFT of the teacher on results-only chains, the start of every distillation.
    var resultsOnly: Budget
    var sftBatch: Int
    var sftLearningRate: Double
    var distillRecipe: String
    var distill: Budget
    /// Also distil Latent-6-by-1 (`latent: "by-step"`) per seed.
    var byStep: Bool
    /// Also distil, per seed, a student whose latent count follows the written chain: one latent
    /// step per K of its tokens (`latent: "by-chain-K"`), the adaptive student of 2026-12-07; nil:
    /// none.
    var byChain: Int?
    var rlRecipe: String
    /// Arguments of `rl` that override its recipe and defaults (nil: as the recipe has it).
    var rlSettings: RLSettings
    var rl: Budget
    var seeds: [Int]
    /// The forced latent-step counts of the frontier, 0...forcedMax.
    var forcedMax: Int

    var byTime: Bool { budgetKind == "minutes" }

    /// The benchmark of README's results table, by the optimizer steps the published
    /// time-budgeted runs made (research/2026-12-07: teacher 15 min, No-CoT 10, results-only 10,
    /// distillation 20 on the Emerald Rapids host, 2026-12-05).
    static func full(seeds: [Int]) -> ReproduceConfig {
        ReproduceConfig(
            preset: "full", budgetKind: "steps",
            task: Task(n: 20_000, minSteps: 1, maxSteps: 4, maxOperand: 99, seed: 1, split: 0.9),
            shape: Shape(dim: 128, layers: 4, heads: 4),
            rlPrompts: Task(n: 4_000, minSteps: 1, maxSteps: 4, maxOperand: 99, seed: 2, split: 1),
            teacher: Budget(steps: 14_400, minutes: 15), nocot: Budget(steps: 22_000, minutes: 10),
            resultsOnly: Budget(steps: 9_250, minutes: 10), sftBatch: 16, sftLearningRate: 1e-3,
            distillRecipe: "stepwise", distill: Budget(steps: 50_000, minutes: 20), byStep: false, byChain: 3,
            rlRecipe: "adaptive", rlSettings: .recipe, rl: Budget(steps: 200, minutes: 30), seeds: seeds, forcedMax: 8)
    }

    /// A smaller task and model that still shows the method in about 5 minutes on two cores:
    /// 1–3 steps on operands up to 9, dim 64 × 2 layers, a teacher at lr 2e-3 (measured on the
    /// AMD Zen 4 host, 2026-12-07, one thread beside a training run: teacher 89.7 % on 300 test
    /// problems after 3,000 steps; No-CoT 25.2 %, Latent-6 53.3 % after 4,000 distillation steps;
    /// RL with penalty 0.1 at lr 3e-5, the shortest validation kept, 100 steps: 53.7 % at mean
    /// length 6.29, the 1-step problems down to one latent step). 3 of the 2,000 RL prompts are
    /// also among the task's training problems, none among its test problems.
    static func quick(seeds: [Int]) -> ReproduceConfig {
        ReproduceConfig(
            preset: "quick", budgetKind: "steps",
            task: Task(n: 6_000, minSteps: 1, maxSteps: 3, maxOperand: 9, seed: 1, split: 0.9),
            shape: Shape(dim: 64, layers: 2, heads: 4),
            rlPrompts: Task(n: 2_000, minSteps: 1, maxSteps: 3, maxOperand: 9, seed: 2, split: 1),
            teacher: Budget(steps: 3_000, minutes: 1), nocot: Budget(steps: 3_000, minutes: 0.5),
            resultsOnly: Budget(steps: 500, minutes: 0.2), sftBatch: 16, sftLearningRate: 2e-3,
            distillRecipe: "stepwise", distill: Budget(steps: 4_000, minutes: 1), byStep: false, byChain: nil,
            rlRecipe: "adaptive", rlSettings: RLSettings(penalty: 0.1, learningRate: 3e-5, validateEvery: 10, select: "shortest"),
            rl: Budget(steps: 100, minutes: 0.5), seeds: seeds, forcedMax: 6)
    }

    /// Seconds-long stages for the integration tests (`--tiny`, hidden): the pipeline's shape,
    /// not its results.
    static func tiny(seeds: [Int]) -> ReproduceConfig {
        ReproduceConfig(
            preset: "tiny", budgetKind: "steps",
            task: Task(n: 300, minSteps: 1, maxSteps: 2, maxOperand: 9, seed: 1, split: 0.9),
            shape: Shape(dim: 16, layers: 1, heads: 2),
            rlPrompts: Task(n: 60, minSteps: 1, maxSteps: 2, maxOperand: 9, seed: 2, split: 1),
            teacher: Budget(steps: 30, minutes: 0.05), nocot: Budget(steps: 20, minutes: 0.05),
            resultsOnly: Budget(steps: 10, minutes: 0.05), sftBatch: 16, sftLearningRate: 1e-3,
            distillRecipe: "stepwise", distill: Budget(steps: 400, minutes: 0.1), byStep: false, byChain: 3,
            rlRecipe: "adaptive", rlSettings: .recipe, rl: Budget(steps: 2, minutes: 0.05), seeds: seeds, forcedMax: 3)
    }

    /// The stored form: pretty, sorted JSON.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// The top-level settings where `self` and `other` differ, as "name: stored → asked" lines.
    func differences(from other: ReproduceConfig) -> [String] {
        guard let a = try? JSONSerialization.jsonObject(with: encoded()) as? [String: Any],
              let b = try? JSONSerialization.jsonObject(with: other.encoded()) as? [String: Any] else { return ["(unreadable)"] }
        func text(_ x: Any?) -> String {
            guard let x else { return "absent" }
            if let data = try? JSONSerialization.data(withJSONObject: x, options: [.sortedKeys, .fragmentsAllowed]) {
                return String(decoding: data, as: UTF8.self)
            }
            return "\(x)"
        }
        return Set(a.keys).union(b.keys).sorted().compactMap { key in
            let (x, y) = (text(a[key]), text(b[key]))
            return x == y ? nil : "\(key): \(x) → \(y)"
        }
    }
}

// RecipeBenchmark: the `latent bench distill` and `latent bench rl` measurements — optimizer steps
// per second of the steps users wait for: the default distillation recipe's step ("stepwise":
// batch 4 split over the workers, 6 latent steps, step supervision on "chunks") and the default
// GRPO recipe's step ("adaptive": 8 prompts × 16 samples, sampling, scoring, the policy and
// reference passes, the update). Each runs the trainer itself (DistillationTrainer.train,
// GRPOTrainer.train) for warm-up + timed steps, on a freshly initialised model of the benchmark
// shape (no checkpoint: the benchmark is self-contained) over results-only arithmetic problems,
// and times every step from the trainer's own events. Steps/s = 1 / the median step time.
//
// A fresh model is not a trained one: its batches cost what the recipe's cost (the shapes come
// from the data), but in GRPO its random stop head stops early or late at random and its answers
// run to the answer-token cap, so the RL figure is for comparing builds and hosts, not a
// prediction of a run from a distilled model.

import Datasets
import Foundation
import Models
import TensorCore

/// Steps per second of the default distillation and GRPO recipes.
public enum RecipeBenchmark {
    /// Which trainer's step.
    public enum Workload: String, Sendable, CaseIterable {
        case distill, rl
    }

    /// Sizes and repetitions.
    public struct Options: Sendable, Equatable {
        /// The model shape and threads (the vocabulary is the tokenizer's, not `shape.vocabulary`).
        public var shape = BenchmarkShape()
        /// Problems of `arith(n:, steps: 1...4, seed: 1)`, results only (the recipe's data).
        public var examples = 2000
        public var warmup = 10
        public var steps = 100
        /// Profile the timed steps (``Profiler``).
        public var profile = false
        public init() {}

        /// The defaults of a workload: a GRPO step takes seconds, a distillation step milliseconds.
        public init(_ workload: Workload) {
            if workload == .rl { (warmup, steps) = (1, 5) }
        }
    }

    /// The measured figures.
    public struct Result: Sendable {
        public var workload: Workload
        public var engine: String
        public var threads: Int
        public var parameters: Int
        /// The recipe and its shape, e.g. ["recipe": "stepwise", "batch": "4", "latent": "6"].
        public var settings: [(String, String)]
        /// The mean shape of the timed steps, for the PyTorch peer (tools/bench_recipe_pairs.py):
        /// distill — token lengths of the prefix, the teacher's rest, the answer tail, the step
        /// supervision's rows and their length; rl — prompt tokens, the mean total reasoning
        /// length (latent steps + 2) and the actions (stop decisions and answer tokens) per sample.
        public var geometry: [(String, Double)]
        /// Seconds of each timed step, in order.
        public var stepSeconds: [Double]
        public var profile: ProfileReport?

        public var medianSeconds: Double { BenchmarkClock.median(stepSeconds) }
        public var meanSeconds: Double { stepSeconds.reduce(0, +) / Double(max(1, stepSeconds.count)) }
        public var stepsPerSecond: Double { 1 / max(medianSeconds, 1e-12) }

        /// One JSON object on one line, keyed like `latent bench model`'s (engine, threads, params)
        /// plus the workload's figures; with a profile, its object under "profile".
        public var json: String {
            var fields = ["\"engine\": \"\(engine)\"", "\"threads\": \(threads)", "\"params\": \(parameters)",
                          "\"workload\": \"\(workload.rawValue)\""]
            fields += settings.map { "\"\($0.0)\": \(Int($0.1) != nil ? $0.1 : "\"\($0.1)\"")" }
            fields += ["\"cpu\": \"\(CPUFeatures.modelName)\"", "\"gemm\": \"\(BLAS.backend.rawValue)\"",
                       "\"timed_steps\": \(stepSeconds.count)",
                       "\"steps_per_s\": \(String(format: "%.3f", stepsPerSecond))",
                       "\"step_ms_median\": \(String(format: "%.3f", medianSeconds * 1e3))",
                       "\"step_ms_mean\": \(String(format: "%.3f", meanSeconds * 1e3))",
                       "\"geometry\": {" + geometry.map { "\"\($0.0)\": \(String(format: "%.2f", $0.1))" }.joined(separator: ", ") + "}"]
            if let profile { fields.append("\"profile\": \(profile.json)") }
            return "{" + fields.joined(separator: ", ") + "}"
        }
    }

    /// Runs `warmup` untimed and `steps` timed optimizer steps of `workload`.
    public static func run(_ workload: Workload, _ o: Options) throws -> Result {
        guard o.steps >= 1, o.warmup >= 1, o.examples >= 10 else {
            throw TrainingError.invalidArgument("the benchmark needs steps ≥ 1, warmup ≥ 1 and examples ≥ 10")
        }
        Engine.setThreads(o.shape.threads)
        let data = try Dataset.arith(n: o.examples, steps: 1...4, seed: 1).resultsOnly()
        let tokenizer = Tokenizer(building: data, reversedNumbers: true)
        let configuration = LlamaConfiguration(
            vocabularySize: tokenizer.count, dimension: o.shape.dimension, layers: o.shape.layers, heads: o.shape.heads,
            mlpHiddenSize: o.shape.hidden, bosTokenID: tokenizer.bosID, eosTokenID: tokenizer.eosID, padTokenID: tokenizer.padID)
        let teacher = try LlamaModel(configuration: configuration, seed: 0)
        let model = try LatentModel(teacher: teacher, tokenizer: tokenizer, embeddingScale: true)

        // Step times from the trainer's events; the profile window is the timed steps.
        let total = o.warmup + o.steps
        var times: [Double] = [], last = 0.0
        var lengths: [Double] = [], actions: [Double] = []
        var report: ProfileReport? = nil
        // Profiling, once on, stays on for the process: switching it off could cut short the
        // window of another thread's profile.
        if o.profile { Profiler.isEnabled = true }
        func onEvent(_ event: TrainingEvent) -> TrainingControl {
            guard case .step(let s) = event else { return .continue }
            if s.step > o.warmup {
                times.append(s.elapsed - last)
                if let length = s.metrics["length"] { lengths.append(length) }
                actions.append(Double(s.tokens))
            }
            last = s.elapsed
            if o.profile && s.step == o.warmup { Profiler.reset() }
            if o.profile && s.step == total { report = Profiler.report(steps: o.steps) }
            return .continue
        }
        var settings: [(String, String)]
        var geometry: [(String, Double)] = [("vocab", Double(tokenizer.count))]
        func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(max(1, xs.count)) }
        switch workload {
        case .distill:
            let recipe = DistillationRecipe.default
            var p = recipe.parameters
            (p.epochs, p.maximumSteps) = (1_000_000, total)
            settings = [("recipe", recipe.rawValue), ("batch", "\(p.batchSize)"), ("latent", "\(p.latent.count(for: data[0], tokenizer: tokenizer))")]
            _ = try DistillationTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p, onEvent: onEvent)
            // The timed batches as the trainer planned them (epoch 0, whole batches).
            let examples = data.map { DistillationExample($0, tokenizer: tokenizer, latentCount: p.latent.count(for: $0, tokenizer: tokenizer)) }
            let plan = DistillationTrainer.plan(examples, batchSize: p.batchSize, batchesPerChunk: p.batchesPerChunk, epoch: 0, seed: p.seed)
            let batches = (o.warmup..<total).map { i in
                DistillationBatch(plan[i % plan.count].map { examples[$0] }, tokenizer: tokenizer, stepSupervision: true,
                                  alignment: p.stepAlignment)
            }
            geometry += [("prefix", mean(batches.map { Double($0.shared.prefix.length) })),
                         ("teacher", mean(batches.map { Double($0.shared.teacherRest.length) })),
                         ("tail", mean(batches.map { Double($0.tail.length) })),
                         ("step_rows", mean(batches.map { Double($0.stepRows.count) })),
                         ("step_length", mean(batches.map { Double($0.stepTokens?.length ?? 0) }))]
        case .rl:
            let recipe = GRPORecipe.default
            var p = recipe.parameters
            (p.maximumSteps, p.validation) = (total, .none)
            settings = [("recipe", recipe.rawValue), ("prompts", "\(p.prompts)"), ("group", "\(p.group)")]
            _ = try GRPOTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p, onEvent: onEvent)
            geometry += [("prompt", mean(data.map { Double(tokenizer.prompt(question: $0.question, latent: true).count) })),
                         ("mean_length", mean(lengths)), ("actions_per_sample", mean(actions) / Double(p.prompts * p.group))]
        }
        guard times.count == o.steps else {
            throw TrainingError.invalidArgument("the \(workload.rawValue) benchmark ran \(times.count) of \(o.steps) timed steps")
        }
        return Result(workload: workload, engine: BLAS.engineDescription, threads: o.shape.threads, parameters: model.parameterCount,
                      settings: settings, geometry: geometry, stepSeconds: times, profile: report)
    }
}

import TensorCore
import Testing
@testable import Training

/// The one loop every trainer runs, on a quadratic: loss = Σ (w − 3)², gradient 2 (w − 3) set by
/// hand, so each behaviour is visible without a model.
@Suite struct TrainingLoopTests {
    static let settings = OptimizerSettings(learningRate: 0.1, minimumLearningRateFraction: 0.5, warmupSteps: 2,
                                            weightDecay: 0, beta1: 0.9, beta2: 0.999, gradientClip: 10)

    /// A loop over one weight vector, with `poisoned` steps (1-based) reporting a NaN loss.
    func run(steps: Int, guardSettings: DivergenceGuardSettings? = nil, poisoned: Set<Int> = [],
             onEvent: (TrainingEvent) -> TrainingControl = { _ in .continue },
             afterStep: (Int) -> Bool = { _ in false }) throws -> (TrainingRun, Tensor) {
        let w = Tensor.parameter(Tensor([0, 1], shape: [2]))
        let loop = TrainingLoop(weights: [w], settings: Self.settings, plannedSteps: steps, timeBudget: nil, divergenceGuard: guardSettings)
        let run = try loop.run(examples: 2, series: ["distance"], onEvent: onEvent, step: { context in
            let values = w.scalars
            let loss = poisoned.contains(context.index + 1) ? Double.nan : values.reduce(0) { $0 + Double(($1 - 3) * ($1 - 3)) }
            var step = TrainingLoop.Step(loss: loss, tokens: 2, targetTokens: 2)
            step.backward = {
                let g = w.gradBuffer()
                for i in 0..<2 { g[i] = 2 * (values[i] - 3) }
            }
            step.figures = { [("distance", Double(abs(w.scalars[0] - 3)))] }
            return .computed(step)
        }, afterStep: afterStep)
        return (run, w)
    }

    @Test func stepsFollowTheScheduleAndRecordTheirSeries() throws {
        var events: [String] = []
        let (run, w) = try run(steps: 6) { event in
            switch event {
            case .started(let total, let examples): events.append("started \(total) \(examples)")
            case .step(let s): events.append("step \(s.step)")
            case .finished(let r): events.append("finished \(r.steps)")
            }
            return .continue
        }
        #expect(events == ["started 6 2", "step 1", "step 2", "step 3", "step 4", "step 5", "step 6", "finished 6"])
        let schedule = CosineSchedule(peak: 0.1, warmupSteps: 2, totalSteps: 6, floor: 0.05)
        #expect(run.metrics["lr"] == (0..<6).map { schedule($0) })
        #expect(run.metrics["lr"]?.first == 0.05, "the first warm-up step already moves")
        #expect(run.losses.count == 6 && zip(run.losses, run.losses.dropFirst()).allSatisfy { $0 > $1 })
        #expect(run.metrics["distance"]?.count == 6 && w.scalars[0] > 0)
        #expect(run.metrics["rollback_step"] == nil, "no guard, no guard series")
    }

    @Test func withoutTheGuardANonFiniteLossEndsTheRun() throws {
        var finished: TrainingRun?
        do {
            _ = try run(steps: 6, poisoned: [3]) { event in
                if case .finished(let r) = event { finished = r }
                return .continue
            }
            Issue.record("a NaN loss without the guard must throw")
        } catch TrainingError.nonFinite(let step, let loss) {
            #expect(step == 3 && loss.isNaN)
        }
        #expect(finished?.steps == 2 && finished?.interrupted == true)
    }

    @Test func withTheGuardANonFiniteLossRollsBackAndTrainingGoesOn() throws {
        var settings = DivergenceGuardSettings()
        settings.snapshotInterval = 2
        let (run, _) = try run(steps: 6, guardSettings: settings, poisoned: [4])
        #expect(run.metrics["rollback_step"] == [4] && run.metrics["spike_step"] == [])
        #expect(run.steps == 6 && run.losses.count == 5 && !run.interrupted)
        #expect(run.notes == ["step 4: the loss is not finite (nan): rolled back"])
        // The rate is halved after the rollback.
        let lr = try #require(run.metrics["lr"])
        let schedule = CosineSchedule(peak: 0.1, warmupSteps: 2, totalSteps: 6, floor: 0.05)
        #expect(lr[3] == schedule(4) * 0.5)
    }

    @Test func aStopRequestEndsTheRunAtAStepBoundary() throws {
        let (stopped, _) = try run(steps: 6) { event in
            if case .step(let s) = event, s.step == 2 { return .stop }
            return .continue
        }
        #expect(stopped.steps == 2 && stopped.interrupted)
        let (afterHook, _) = try run(steps: 6, afterStep: { $0 == 3 })
        #expect(afterHook.steps == 3 && afterHook.interrupted)
    }
}

/// The named recipes: the default is the best measured, the paper's is `Parameters()`.
@Suite struct RecipeTests {
    @Test func distillationRecipes() {
        #expect(DistillationRecipe.default == .stepwise && DistillationRecipe.codi.parameters == DistillationTrainer.Parameters())
        let s = DistillationRecipe.stepwise.parameters
        #expect(s.batchSize == 4 && s.distillWeight == 2 && s.stepWeight == 1 && s.stepAlignment == .chunks && s.latent == .fixed(6))
        #expect(s.optimizer.learningRate == 1e-3 && s.curriculum == 0)
        let c = DistillationRecipe.coconut.parameters
        #expect(c.curriculum == 0.5 && c.stepWeight == 0 && c.distillWeight == 20)
        for recipe in DistillationRecipe.allCases {
            #expect((try? recipe.parameters.validate()) != nil, "\(recipe)")
            #expect(recipe.summary.contains("2026-") && recipe.figure.contains("2026-"), "\(recipe) names its figure's date")
        }
    }

    @Test func grpoRecipes() {
        #expect(GRPORecipe.default == .adaptive && GRPORecipe.paper.parameters == GRPOTrainer.Parameters())
        let a = GRPORecipe.adaptive.parameters
        #expect(a.reward.cutoff == 0 && a.reward.penalty == 0.5 && a.sampling.headTemperature == 8 && a.headLearningRateFactor == 100)
        for recipe in GRPORecipe.allCases {
            #expect((try? recipe.parameters.validate()) != nil, "\(recipe)")
            #expect(recipe.summary.contains("2026-") && recipe.figure.contains("2026-"), "\(recipe) names its figure's date")
        }
    }
}

// `latent bench distill` / `bench rl`'s measurement at a tiny shape: it runs the trainers' own
// steps (as many timed as asked), reports the batches' geometry for the PyTorch peer, and its
// profile covers the timed steps with the kinds each step must have and sums to its window.

import Support
import TensorCore
import Testing
@testable import Training

@Suite("Recipe benchmark")
struct RecipeBenchmarkTests {
    @Test(arguments: RecipeBenchmark.Workload.allCases)
    func timesTheTrainersOwnStepsAndProfilesThem(workload: RecipeBenchmark.Workload) throws {
        var o = RecipeBenchmark.Options(workload)
        (o.shape.dimension, o.shape.layers, o.shape.heads, o.shape.hidden) = (16, 1, 2, 32)
        (o.examples, o.warmup, o.steps, o.profile) = (40, 1, 2, true)
        let r = try RecipeBenchmark.run(workload, o)
        #expect(r.stepSeconds.count == 2 && r.stepSeconds.allSatisfy { $0 > 0 })
        #expect(r.stepsPerSecond.isFinite && r.stepsPerSecond > 0)
        let profile = try #require(r.profile)
        #expect(profile.steps == 2)
        #expect(abs(profile.attributedSeconds - profile.seconds) <= 1e-6 * max(1, profile.seconds))
        let kinds = Set(profile.rows.map(\.kind))
        for kind: ProfileKind in [.attention, .optimizer, .latentFilter, .matmulABtTiny] {
            #expect(kinds.contains(kind), "\(workload.rawValue): no \(kind.name) row")
        }
        #expect(profile.rows.contains { $0.backward && $0.kind.isMatmul }, "no backward product")
        if workload == .distill { #expect(kinds.contains(.data)) }
        // The JSON line: the keys of `bench model`, the workload's figures, geometry and profile.
        guard case .object(let json) = try JSONValue(parsing: r.json) else {
            Issue.record("not a JSON object: \(r.json)")
            return
        }
        for key in ["engine", "threads", "params", "workload", "steps_per_s", "step_ms_median", "geometry", "profile"] {
            #expect(json[key] != nil, "no \(key) in \(r.json)")
        }
        guard case .object(let geometry)? = json["geometry"] else { return }
        let expected = workload == .distill ? ["prefix", "teacher", "tail", "step_rows", "step_length"]
                                            : ["prompt", "mean_length", "actions_per_sample"]
        for key in expected + ["vocab"] { #expect(geometry[key] != nil, "no geometry \(key)") }
    }

    @Test func badSettingsAreNamed() {
        var o = RecipeBenchmark.Options()
        o.steps = 0
        #expect(throws: TrainingError.self) { try RecipeBenchmark.run(.distill, o) }
    }
}

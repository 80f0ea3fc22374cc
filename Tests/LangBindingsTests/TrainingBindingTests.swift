// Training and inference builtins: progress displays, runs, interruption, NaN, evaluation, traces.

import Foundation
import Lang
import Testing

@Suite struct TrainingBindingTests {
    @Test func sftShowsProgressInPlaceAndReturnsARun() throws {
        let s = tinyModelSession()
        let (outcome, host) = s.run("r = sft(m, d, epochs: 2, batch: 8, lr: 0.01, warmup: 1)\nr")
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        let id = try #require(host.displayIDs.first)
        let updates = host.updates(for: id)
        #expect(updates.count >= 2)  // the first step always, and the final summary
        #expect(updates.first?.plain.hasPrefix("sft ▕") == true)
        #expect(updates.first?.plain.contains("/4 steps") == true)
        #expect(updates.first?.html?.contains("latent-progress") == true)
        #expect(updates.last?.plain.contains("done") == true)
        #expect(s.ok("type(r)") == "\"run\"")
        #expect(s.ok("[r.steps, len(r.loss), r.interrupted]") == "[4, 4, false]")
        #expect(s.ok("keys(r.metrics)") == "[\"loss\", \"lr\", \"grad_norm\", \"tokens_per_s\"]")
        #expect(s.ok("r.seconds > 0 and m.last_run == r and m.steps == 4") == "true")
        #expect(outcome.result?.html?.contains("<svg") == true)
        #expect(s.ok("type(curve(r, \"loss\"))") == "\"plot\"")
        #expect(s.fails("curve(r, \"accuracy\")", "ValueError").contains("accepted: \"loss\""))
    }

    @Test func interruptionStopsAtAStepBoundaryAndKeepsTheRun() {
        let s = tinyModelSession()
        s.ok("twin = model(d, dim: 16, layers: 1, heads: 2, seed: 3)\nbefore = predict(m, \"Question: \").prob")
        let host = RecordingHost()
        var requested = false
        host.onEmit = { event in
            if case .updateDisplay = event, !requested {
                requested = true
                s.interrupt()
            }
        }
        let outcome = s.execute("sft(m, d, epochs: 4, batch: 8, warmup: 1)\nafter_cell = 1", host: host)
        #expect(outcome.error?.name == "Interrupted")
        #expect(outcome.error?.message.contains("last_run") == true)
        #expect(s.value(named: "after_cell") == nil)
        #expect(s.ok("[m.last_run.steps, m.last_run.interrupted, m.last_run.planned_steps]") == "[1, true, 8]")
        // The weights are those of exactly one completed step.
        s.ok("sft(twin, d, epochs: 4, batch: 8, warmup: 1, max_steps: 1)")
        #expect(s.ok("predict(m, \"Question: \").prob == predict(twin, \"Question: \").prob") == "true")
        #expect(s.ok("predict(m, \"Question: \").prob == before") == "false")
    }

    @Test func interruptionStopsAnEvaluationBetweenBatches() {
        let s = tinyModelSession()
        let host = RecordingHost()
        host.onEmit = { event in
            if case .updateDisplay(let bundle, _) = event, bundle.plain.contains("1/8 examples") { s.interrupt() }
        }
        let outcome = s.execute("e = evaluate(m, take(d, 8), mode: \"cot\", max_tokens: 3, batch: 1)", host: host)
        #expect(outcome.error?.name == "Interrupted")
        #expect(outcome.error?.message.contains("after 1 of 8 examples") == true)
        #expect(s.value(named: "e") == nil)
    }

    /// An untrained model writes no "The answer is:", so there is no mean to show (the paper
    /// averages well-formatted outputs only): the summary says so instead of "mean length 0".
    @Test func anEvaluationWithoutWellFormattedOutputsSaysSo() {
        let s = tinyModelSession()
        s.ok("e = evaluate(m, take(d, 4), mode: \"cot\", max_tokens: 3)")
        #expect(s.ok("e.lengths == [0, 0, 0, 0]") == "false")
        #expect(s.ok("str(e)").contains("mean length — (no output has"))
    }

    @Test func divergenceIsANumericErrorNamingTheStep() {
        let s = tinyModelSession()
        let message = s.fails("sft(m, d, lr: 1e30, warmup: 0, batch: 4, epochs: 2)", "NumericError")
        #expect(message.hasPrefix("sft: training diverged at step"))
        #expect(message.contains("lr"))
        #expect(s.ok("m.last_run.interrupted") == "true")
    }

    @Test func aTimeBudgetEndsTrainingEarlyWithoutAnInterruption() {
        let s = tinyModelSession()
        s.ok("r = sft(m, d, epochs: 500, batch: 8, seconds: 0.3)")
        #expect(s.ok("r.steps >= 1 and r.steps < r.planned_steps and not r.interrupted") == "true")
        #expect(s.ok("r.seconds >= 0.3") == "true")
    }

    @Test func trainingArgumentErrors() {
        let s = tinyModelSession()
        #expect(s.fails("sft(m, d, epochs: 0)", "ValueError").contains("sft: argument 'epochs'"))
        #expect(s.fails("sft(m, d, lr: \"fast\")", "TypeError").contains("sft: argument 'lr' must be a number"))
        #expect(s.fails("sft(m, d, batch: 1.5)", "ValueError").contains("sft: argument 'batch'"))
        #expect(s.fails("sft(d, m)", "TypeError").contains("sft: argument 'model' must be a model"))
        #expect(s.fails("sft(m, d, cot: 1)", "TypeError").contains("sft: argument 'cot'"))
        #expect(s.fails("sft(m, d, seconds: -1)", "ValueError").contains("sft: argument 'seconds'"))
        #expect(s.fails("sft(m, take(d, 0))", "ValueError").contains("sft: argument 'data' is empty"))
    }

    @Test func evaluateScoresAndShowsProgress() throws {
        let s = tinyModelSession()
        let (outcome, host) = s.run("e = evaluate(m, take(d, 4), mode: \"cot\", max_tokens: 6)\ne")
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        let id = try #require(host.displayIDs.first)
        #expect(host.updates(for: id).last?.plain.contains("done") == true)
        #expect(s.ok("type(e)") == "\"evaluation\"")
        #expect(s.ok("e.accuracy >= 0 and e.accuracy <= 1 and len(e.lengths) == 4") == "true")
        #expect(s.ok("type(e.by_steps)") == "\"table\"")
        #expect(s.ok("keys(e.by_steps[0])") == "[\"steps\", \"count\", \"accuracy\", \"mean_length\"]")
        #expect(s.ok("sum(e.by_steps.count)") == "4")
        #expect(outcome.result?.html?.contains("<table") == true)
        #expect(s.ok("evaluate(m, take(d, 2), mode: \"nocot\", max_tokens: 4).mode") == "\"nocot\"")
    }

    @Test func latentModesNeedADistilledModel() {
        let s = tinyModelSession()
        let message = s.fails("evaluate(m, d)", "ValueError")
        #expect(message.contains("evaluate: argument 'mode' \"latent\" needs a model trained with distill"))
        #expect(s.fails("solve(m, \"q\", mode: 6)", "ValueError").contains("solve: argument 'mode'"))
        #expect(s.fails("evaluate(m, d, mode: \"fast\")", "ValueError").contains("\"cot\""))
        #expect(s.fails("evaluate(m, d, mode: true)", "TypeError").contains("evaluate: argument 'mode'"))
    }

    @Test func solveReturnsATrace() {
        let s = tinyModelSession()
        s.ok("t = solve(m, d[0].question, mode: \"cot\", max_tokens: 5)")
        #expect(s.ok("type(t)") == "\"trace\"")
        #expect(s.ok("[t.latent_steps, t.stop_probs, type(t.text)]") == "[0, [], \"string\"]")
        #expect(s.ok("t.tokens <= 5") == "true")
    }
}

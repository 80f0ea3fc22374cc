// distill and the latent modes of evaluate and solve, from the language.

import Foundation
import Lang
import Testing

@Suite struct LatentBindingTests {
    /// A tiny model distilled for two steps with 2 latent steps per example.
    func distilledSession() -> Session {
        let s = tinyModelSession()
        s.ok("r = distill(m, d, latent: 2, batch: 8, warmup: 1)")
        return s
    }

    /// A run the divergence guard gives up on says what it saw at its last rollback, and the
    /// run (the model's last_run) keeps every rollback's note.
    @Test func aDivergedDistillationSaysWhy() {
        let s = tinyModelSession()
        let message = s.fails("distill(m, d, latent: 2, batch: 4, warmup: 0, lr: 1e30, epochs: 100, max_steps: 40)", "NumericError")
        #expect(message.hasPrefix("distill: training diverged at step"), "\(message)")
        #expect(message.contains("the divergence guard gave up after"), "\(message)")
        #expect(message.contains("Last diagnosis: step "), "\(message)")
        #expect(s.ok("len(m.last_run.notes) >= 1 and m.last_run.interrupted") == "true")
    }

    @Test func distillGivesTheModelLatentReasoningAndReturnsARun() {
        let s = tinyModelSession()
        let before = s.ok("params(m)")
        let (outcome, host) = s.run("r = distill(m, d, latent: 2, batch: 8, warmup: 1)")
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        let id = host.displayIDs.first ?? ""
        #expect(host.updates(for: id).last?.plain.hasPrefix("distill: done") == true)
        #expect(s.ok("[type(r), r.kind, r.steps, r.interrupted, m.latent]") == "[\"run\", \"distill\", 2, false, true]")
        #expect(s.ok("r.metrics.distill != nil and len(r.metrics.ce_student) == 2") == "true")
        #expect(s.ok("r.notes") == "[]", "a clean run has nothing to say")
        // The recurrent filter adds two d×d matrices, two biases and a LayerNorm: 2·16² + 4·16.
        #expect(Int(s.ok("params(m)")) == Int(before).map { $0 + 2 * 16 * 16 + 4 * 16 })
        #expect(s.ok("m").contains("latent reasoning"))
        #expect(s.ok("distill(m, d, latent: \"by-step\", max_steps: 1, batch: 8, warmup: 1).steps") == "1")
        // The default recipe, "stepwise": step supervision on runs of the written chain, weight 2.
        #expect(s.ok("[r.settings.recipe, r.settings.batch, r.settings.weight, r.settings.step_weight, r.settings.step_align]")
                == "[\"stepwise\", 8, 2, 1, \"chunks\"]")
        #expect(s.ok("min(r.metrics.step_ce) > 0") == "true")
    }

    /// Each recipe sets its values, and an argument given explicitly overrides the recipe's.
    @Test func recipesSetTheirValuesAndExplicitArgumentsOverrideThem() {
        let s = tinyModelSession()
        s.ok("c = distill(m, d, recipe: \"codi\", latent: 2, max_steps: 2, warmup: 1)")
        #expect(s.ok("[c.settings.batch, c.settings.weight, c.settings.step_weight, c.settings.lr]") == "[32, 20, 0, 0.001]")
        #expect(s.ok("max(c.metrics.step_ce)") == "0", "the paper's recipe has no step supervision")
        s.ok("n = distill(m, d, recipe: \"codi\", latent: 2, max_steps: 2, batch: 4, warmup: 1, step_weight: 1, step_align: \"next\")")
        #expect(s.ok("[n.settings.batch, n.settings.step_weight, n.settings.step_align, min(n.metrics.step_ce) > 0]")
                == "[4, 1, \"next\", true]")
        // The Coconut-style curriculum: stages that write the later steps, then all latent.
        s.ok("k = distill(m, d, recipe: \"coconut\", latent: 2, max_steps: 4, batch: 4, warmup: 1)")
        #expect(s.ok("[k.settings.curriculum, k.metrics.stage[0] < k.metrics.stage[3], k.steps]") == "[0.5, true, 4]")
        #expect(s.fails("distill(m, d, recipe: \"best\")", "ValueError").contains("must be \"stepwise\", \"codi\", \"coconut\""))
        #expect(s.fails("distill(m, d, recipe: 1)", "TypeError").contains("distill: argument 'recipe'"))
    }

    /// The optimizer-step cap is `max_steps:` in every trainer; the old `steps:` says so.
    @Test func theOldStepsLabelNamesItsReplacement() {
        let s = tinyModelSession()
        for call in ["sft(m, d, steps: 1)", "distill(m, d, steps: 1)", "rl(m, d, steps: 1)"] {
            let message = s.fails(call, "TypeError")
            #expect(message.contains("'steps:' is now 'max_steps:'"), "\(message)")
        }
        #expect(s.ok("len(arith(n: 4, steps: 1...2))") == "4", "arith's steps are reasoning steps, unchanged")
    }

    @Test func latentEvaluationCountsLatentStepsPlusTwo() {
        let s = distilledSession()
        s.ok("e = evaluate(m, take(d, 4), mode: 3)")
        #expect(s.ok("[e.mode, e.lengths, e.latent_steps]") == "[\"3\", [5, 5, 5, 5], [3, 3, 3, 3]]")
        s.ok("a = evaluate(m, take(d, 4))")
        #expect(s.ok("a.mode == \"latent\" and len(a.lengths) == 4 and min(a.lengths) >= 2 and max(a.lengths) <= 18") == "true")
        #expect(s.ok("a.lengths == [a.latent_steps[0] + 2, a.latent_steps[1] + 2, a.latent_steps[2] + 2, a.latent_steps[3] + 2]") == "true")
        #expect(s.ok("type(a.by_steps)") == "\"table\"")
        // Text modes still work on a latent model.
        #expect(s.ok("evaluate(m, take(d, 2), mode: \"cot\", max_tokens: 4).latent_steps") == "")
    }

    @Test func stepLensTabulatesWhatTheLatentsWriteByStepCount() {
        let s = distilledSession()
        s.ok("l = step_lens(m, take(d, 6), mode: 2)")
        #expect(s.ok("keys(l[0])") == "[\"steps\", \"count\", \"accuracy\", \"first_exact\", \"chain_exact\", \"accuracy_given_chain\", \"answer_is_last_latent\", \"wrong_at_1\"]")
        // The last row is every problem; the rows before it split them by step count.
        #expect(s.ok("l[len(l) - 1].steps") == "\"all\"")
        #expect(s.ok("l[len(l) - 1].count") == "6")
        #expect(s.ok("sum(l.count) - l[len(l) - 1].count") == "6")
        #expect(s.ok("l[len(l) - 1].first_exact >= 0 and l[len(l) - 1].first_exact <= 1") == "true")
        #expect(s.fails("step_lens(m, take(d, 2), mode: \"cot\")", "ValueError").contains("the step lens reads latent steps"))
        let plain = tinyModelSession()
        #expect(plain.fails("step_lens(m, take(d, 2))", "ValueError").contains("needs a model trained with distill"))
    }

    @Test func latentSolveShowsStopProbabilitiesAndReads() {
        let s = distilledSession()
        s.ok("t = solve(m, d[0].question, mode: 2)")
        #expect(s.ok("[t.latent_steps, len(t.stop_probs), len(t.reads), t.mode]") == "[2, 3, 3, \"2\"]")
        #expect(s.ok("t.reads[0].step == 0 and len(t.reads[1].reads_as) == 3") == "true")
        #expect(s.ok("type(t.reads[1].writes)") == "\"string\"")
        #expect(s.ok("t.stop_probs[0] >= 0 and t.stop_probs[0] <= 1") == "true")
        s.ok("u = solve(m, d[0].question)")
        #expect(s.ok("len(u.stop_probs) == u.latent_steps + 1 or u.latent_steps == 16") == "true")
    }

    @Test func latentModelSavesAndLoadsWithItsFilter() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("latent").path
        let s = distilledSession()
        s.ok("save(m, \"\(path)\")\nm2 = load_model(\"\(path)\")")
        #expect(s.ok("m2.latent and params(m2) == params(m)") == "true")
        #expect(s.ok("evaluate(m2, take(d, 3), mode: 2).outputs == evaluate(m, take(d, 3), mode: 2).outputs") == "true")
        #expect(s.ok("solve(m2, d[1].question, mode: 1).stop_probs == solve(m, d[1].question, mode: 1).stop_probs") == "true")
    }

    @Test func distillArgumentErrors() {
        let s = tinyModelSession()
        #expect(s.fails("distill(m, d, latent: -1)", "ValueError").contains("distill: argument 'latent'"))
        #expect(s.fails("distill(m, d, latent: \"many\")", "TypeError").contains("distill: argument 'latent'"))
        #expect(s.fails("distill(m, d, weight: -2)", "ValueError").contains("distill: argument 'weight'"))
        #expect(s.fails("distill(m, [1])", "TypeError").contains("distill: argument 'data' must be a dataset"))
        #expect(s.fails("distill(m, d, step_weight: -1)", "ValueError").contains("distill: argument 'step_weight'"))
        #expect(s.fails("distill(m, d, step_align: \"diagonal\")", "ValueError").contains("must be \"chunks\" or \"next\", got \"diagonal\""))
        #expect(s.fails("distill(m, d, step_align: 2)", "TypeError").contains("distill: argument 'step_align'"))
        #expect(s.fails("distill(m, d, latent: 65)", "ValueError").contains("distill: argument 'latent'"))
        // The variants measured and removed (tag research-2026-12-05) are unknown labels now.
        for removed in ["gate_answer", "frozen_teacher", "step_distill", "mixed", "step_first", "distill_final"] {
            #expect(s.fails("distill(m, d, \(removed): 1)", "TypeError").contains("unknown label '\(removed)'"))
        }
        #expect(s.ok("m.latent") == "false")
    }
}

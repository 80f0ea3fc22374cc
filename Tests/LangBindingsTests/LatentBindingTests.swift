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
        let message = s.fails("distill(m, d, latent: 2, batch: 4, warmup: 0, lr: 1e30, epochs: 100, steps: 40)", "NumericError")
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
        #expect(s.ok("distill(m, d, latent: \"by-step\", steps: 1, batch: 8, warmup: 1).steps") == "1")
        // The extensions: step-level supervision, a curriculum, random batches.
        s.ok("x = distill(m, d, latent: 2, steps: 4, batch: 4, warmup: 1, step_weight: 1, curriculum: 0.5, length_sorted: false)")
        #expect(s.ok("[min(x.metrics.step_ce) > 0, x.metrics.stage[0] < x.metrics.stage[3]]") == "[true, true]")
        // Spread alignment, per-step hidden-state alignment, no teacher pass.
        s.ok("y = distill(m, d, latent: 3, steps: 2, batch: 4, warmup: 1, step_weight: 1, step_align: \"spread\", step_distill: 5)")
        #expect(s.ok("[min(y.metrics.step_ce) > 0, min(y.metrics.step_distill) > 0]") == "[true, true]")
        s.ok("z = distill(m, d, latent: 2, steps: 2, batch: 4, warmup: 1, step_weight: 1, teacher_weight: 0, weight: 0)")
        #expect(s.ok("[max(z.metrics.ce_teacher), max(z.metrics.distill), max(z.metrics.step_distill)]") == "[0, 0, 0]")
        // Mixed rows; a student weight of 0 leaves only the step loss (the student's CE is still reported).
        s.ok("w = distill(m, d, latent: 2, steps: 2, batch: 4, warmup: 1, step_weight: 1, step_align: \"blocks\", mixed: 1, student_weight: 0, teacher_weight: 0, weight: 0)")
        #expect(s.ok("[abs(w.metrics.loss[0] - w.metrics.step_ce[0]) < 1e-4, w.metrics.ce_student[0] > 0]") == "[true, true]")
        // Every step on a block of latents, the step loss alone for the first half of the run.
        s.ok("o = distill(m, d, latent: 2, steps: 2, batch: 4, warmup: 1, step_weight: 1, step_align: \"all_blocks\", step_first: 0.5)")
        #expect(s.ok("[o.metrics.steps_only, min(o.metrics.step_ce) > 0]") == "[[1, 0], true]")
        // The answer trained only on rows with an exact latent chain.
        s.ok("g = distill(m, d, latent: 2, steps: 2, batch: 4, warmup: 1, step_weight: 1, step_align: \"written\", gate_answer: true)")
        #expect(s.ok("[len(g.metrics.answer_rows), min(g.metrics.answer_rows) >= 0, max(g.metrics.answer_rows) <= 1]") == "[2, true, true]")
        // Targets frozen at the start; without the teacher's cross-entropy, no teacher pass.
        let frozen = s.run("f = distill(m, d, latent: 2, steps: 2, batch: 4, warmup: 1, frozen_teacher: true, teacher_weight: 0)")
        #expect(frozen.outcome.error == nil)
        #expect(s.ok("[max(f.metrics.ce_teacher), min(f.metrics.distill) > 0]") == "[0, true]")
        // The distillation term without the final state: a 2-layer model has one state between blocks.
        s.ok("m2 = model(d, dim: 16, layers: 2, heads: 2, seed: 3)\nq = distill(m2, d, latent: 2, steps: 2, batch: 4, warmup: 1, distill_final: false)")
        #expect(s.ok("[q.steps, min(q.metrics.distill) > 0]") == "[2, true]")
        // The progress display says what happens before the first step.
        let shown = frozen.host.displayIDs.first.map { id in frozen.host.updates(for: id).map { $0.plain } } ?? []
        #expect(shown.first?.contains("preparing teacher targets") == true, "\(shown)")
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
        #expect(s.fails("distill(m, d, filter_scale: \"big\")", "ValueError").contains("distill: argument 'filter_scale'"))
        #expect(s.fails("distill(m, d, filter_scale: 2)", "TypeError").contains("distill: argument 'filter_scale'"))
        #expect(s.fails("distill(m, d, drop_last: 1)", "TypeError").contains("distill: argument 'drop_last'"))
        #expect(s.fails("distill(m, d, step_weight: -1)", "ValueError").contains("distill: argument 'step_weight'"))
        #expect(s.fails("distill(m, d, curriculum: 1)", "ValueError").contains("distill: argument 'curriculum'"))
        #expect(s.fails("distill(m, d, step_align: \"diagonal\")", "ValueError").contains("must be \"next\", \"spread\", \"written\", \"blocks\", \"chunks\", \"all_blocks\", \"ends\" or \"spread_written\", got \"diagonal\""))
        #expect(s.fails("distill(m, d, step_align: 2)", "TypeError").contains("distill: argument 'step_align'"))
        #expect(s.fails("distill(m, d, teacher_weight: -1)", "ValueError").contains("distill: argument 'teacher_weight'"))
        #expect(s.fails("distill(m, d, student_weight: -2)", "ValueError").contains("distill: argument 'student_weight'"))
        #expect(s.fails("distill(m, d, mixed: 1.5)", "ValueError").contains("distill: argument 'mixed' must be a fraction"))
        #expect(s.fails("distill(m, d, step_first: 1)", "ValueError").contains("distill: argument 'step_first' must be a fraction of the run"))
        #expect(s.fails("distill(m, d, step_first: 0.2)", "ValueError").contains("step_first' needs step supervision"))
        #expect(s.fails("distill(m, d, step_first: \"half\", step_weight: 1)", "TypeError").contains("distill: argument 'step_first'"))
        #expect(s.fails("distill(m, d, step_distill: -0.5)", "ValueError").contains("distill: argument 'step_distill'"))
        #expect(s.fails("distill(m, d, gate_answer: true)", "ValueError").contains("gate_answer"))
        #expect(s.fails("distill(m, d, gate_answer: 1, step_weight: 1)", "TypeError").contains("distill: argument 'gate_answer'"))
        #expect(s.fails("distill(m, d, frozen_teacher: \"yes\")", "TypeError").contains("distill: argument 'frozen_teacher'"))
        #expect(s.fails("distill(m, d, frozen_teacher: true, step_distill: 1)", "ValueError").contains("frozen_teacher"))
        #expect(s.fails("distill(m, d, length_sorted: \"yes\")", "TypeError").contains("distill: argument 'length_sorted'"))
        #expect(s.fails("distill(m, d, distill_final: \"no\")", "TypeError").contains("distill: argument 'distill_final'"))
        #expect(s.fails("distill(m, d, distill_final: false)", "ValueError").contains("a 1-layer model has none"))
        #expect(s.ok("m.latent") == "false")
    }
}

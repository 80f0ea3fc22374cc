// rl from the language: a run with GRPO metrics, validation and the best checkpoint, errors.

import Foundation
import Lang
import Testing

@Suite struct RLBindingTests {
    /// A tiny model distilled for two steps with 2 latent steps per example.
    func distilledSession() -> Session {
        let s = tinyModelSession()
        s.ok("r0 = distill(m, d, latent: 2, batch: 8, warmup: 1)")
        return s
    }

    @Test func rlRunsAndReturnsARunWithItsMetrics() {
        let s = distilledSession()
        let (outcome, host) = s.run("r = rl(m, d, max_steps: 2, prompts: 2, group: 3, max_new: 4, validate_every: 1, head_temp: 2, head_lr: 10, warmup: 0)")
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        let id = host.displayIDs.first ?? ""
        #expect(host.updates(for: id).last?.plain.hasPrefix("rl: done") == true)
        #expect(s.ok("[type(r), r.kind, r.steps, r.interrupted, len(r.loss)]") == "[\"run\", \"rl\", 2, false, 2]")
        #expect(s.ok("[len(r.metrics.reward), len(r.metrics.accuracy), len(r.metrics.length), len(r.metrics.kl), len(r.metrics.stop_entropy)]")
            == "[2, 2, 2, 2, 2]")
        // 16 examples: the last one is held out for validation, before the first step and after each.
        #expect(s.ok("[r.metrics.validation_examples, r.metrics.val_step]") == "[[1], [0, 1, 2]]")
        #expect(s.ok("len(r.metrics.best_step) == 1 and r.metrics.best_accuracy[0] >= 0") == "true")
        #expect(s.ok("r").contains("best validation accuracy"))
        #expect(s.ok("m.last_run.kind") == "\"rl\"")
        #expect(s.ok("type(curve(r, \"length\"))") == "\"plot\"")
        // The default recipe, "adaptive", with the two arguments given overriding it.
        #expect(s.ok("[r.settings.recipe, r.settings.cutoff, r.settings.penalty, r.settings.head_temp, r.settings.head_lr]")
                == "[\"adaptive\", 0, 0.5, 2, 10]")
        s.ok("p = rl(m, d, recipe: \"paper\", max_steps: 1, prompts: 1, group: 2, max_new: 4, validate: false)")
        #expect(s.ok("[p.settings.cutoff, p.settings.penalty, p.settings.head_temp, p.settings.head_lr]") == "[1, 0.0001, 1, 1]")
        // An explicit validation set, or none.
        #expect(s.ok("rl(m, take(d, 8), max_steps: 1, prompts: 1, group: 2, max_new: 4, validate: take(d, 2)).metrics.validation_examples") == "[2]")
        #expect(s.ok("rl(m, d, max_steps: 1, prompts: 1, group: 2, max_new: 4, validate: false).metrics.val_step") == "[]")
        // The shortest-within-noise selection reports its accuracy floor.
        s.ok("rs = rl(m, d, max_steps: 1, prompts: 1, group: 2, max_new: 4, select: \"shortest\")")
        #expect(s.ok("len(rs.metrics.selection_floor)") == "1")
        #expect(s.ok("rs").contains("kept the shortest validation with accuracy ≥"))
    }

    @Test func aTimeBudgetWithoutStepsShowsStepsDoneNotAnAbsurdTotal() {
        let s = distilledSession()
        let (outcome, host) = s.run("rl(m, d, max_steps: nil, seconds: 0.5, prompts: 1, group: 2, max_new: 4, validate: false)")
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        let texts = host.displayIDs.flatMap { host.updates(for: $0).map(\.plain) }
        #expect(!texts.isEmpty)
        #expect(texts.allSatisfy { !$0.contains("2,147,483,647") && !$0.contains("2147483647") }, "\(texts)")
    }

    @Test func anInterruptStopsRLAtAStepBoundary() {
        let s = distilledSession()
        let host = RecordingHost()
        var requested = false
        host.onEmit = { event in
            if case .updateDisplay = event, !requested {
                requested = true
                s.interrupt()
            }
        }
        let outcome = s.execute("rl(m, d, max_steps: 6, prompts: 1, group: 2, max_new: 4)\nafter_cell = 1", host: host)
        #expect(outcome.error?.name == "Interrupted")
        #expect(s.value(named: "after_cell") == nil)
        #expect(s.ok("[m.last_run.kind, m.last_run.steps, m.last_run.interrupted, m.last_run.planned_steps]") == "[\"rl\", 1, true, 6]")
    }

    @Test func rlExplainsWhatIsWrong() {
        let s = tinyModelSession()
        #expect(s.fails("rl(m, d)", "ValueError").contains("distill first"))
        s.ok("distill(m, d, latent: 1, max_steps: 1, batch: 8, warmup: 1)")
        #expect(s.fails("rl(m, d, group: 1)", "ValueError").contains("'group'"))
        #expect(s.fails("rl(m, d, cutoff: 2)", "ValueError").contains("'cutoff'"))
        #expect(s.fails("rl(m, d, head_temp: 0)", "ValueError").contains("'head_temp'"))
        #expect(s.fails("rl(m, d, head_lr: -1)", "ValueError").contains("'head_lr'"))
        #expect(s.fails("rl(m, d, kl: -1)", "ValueError").contains("'kl'"))
        #expect(s.fails("rl(m, d, validate: 3)", "TypeError").contains("'validate'"))
        #expect(s.fails("rl(m, d, select: \"longest\")", "ValueError").contains("\"shortest\""))
        #expect(s.fails("rl(m, take(d, 1))", "ValueError").contains("at least 2"))
        #expect(s.fails("rl(m, d, max_steps: nil)", "ValueError").contains("'max_steps'"))
        #expect(s.fails("rl(m, d, recipe: \"fast\")", "ValueError").contains("must be \"adaptive\" or \"paper\""))
        #expect(s.fails("rl(3, d)", "TypeError").contains("'model'"))
    }
}

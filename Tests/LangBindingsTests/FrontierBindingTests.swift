import Lang
import LangBindings
import Testing

/// `frontier(model, data)`: forced counts, the references, compared policies and the plot.
@Suite struct FrontierBindingTests {
    @Test func aFrontierHasOnePointPerForcedCountAndPlacesComparedPolicies() {
        let s = tinyModelSession()
        s.ok("distill(m, d, latent: 2, batch: 8, warmup: 1)")
        s.ok("e = evaluate(m, take(d, 6))")
        s.ok("f = frontier(m, take(d, 6), counts: [2, 0, 1, 1], compare: {adaptive: e})")
        #expect(s.ok("type(f)") == "\"frontier\"")
        #expect(s.ok("f.points.count") == "[0, 1, 2]", "counts are sorted and deduplicated")
        #expect(s.ok("f.points.mean_length") == "[2, 3, 4]")
        // Each forced count's accuracy is what evaluate gives with that count.
        #expect(s.ok("f.points.accuracy[1] == evaluate(m, take(d, 6), mode: 1).accuracy") == "true")
        #expect(s.ok("f.compared.name") == "[\"adaptive\"]")
        #expect(s.ok("f.compared.accuracy[0] == e.accuracy") == "true")
        #expect(s.ok("has(f.oracle, \"counts\") and f.best.count >= 0") == "true")
        #expect(s.ok("f.plot.kind") == "\"line\"")
        #expect(s.ok("contains(f.plot.svg, \"per-difficulty oracle\")") == "true")
    }

    @Test func badArgumentsAreNamed() {
        let s = tinyModelSession()
        #expect(s.fails("frontier(m, d)", "ValueError").contains("distill it first"))
        s.ok("distill(m, d, latent: 1, batch: 8, warmup: 1)")
        #expect(s.fails("frontier(m, d, counts: [-1])", "ValueError").contains("counts"))
        #expect(s.fails("frontier(m, d, counts: 0...1000)", "ValueError").contains("at most 64"))
        #expect(s.fails("frontier(m, d, compare: {x: 1})", "TypeError").contains("x is a number"))
    }

    @Test func distillAcceptsALatentCountThatFollowsTheChain() {
        let s = tinyModelSession()
        s.ok("distill(m, results_only(d), latent: \"by-chain-2\", batch: 4, warmup: 1, max_steps: 2, step_weight: 1, step_align: \"chunks\")")
        #expect(s.fails("distill(m, d, latent: \"by-chain-x\")", "ValueError").contains("by-chain-K"))
    }
}

/// `e.flops`: the forward FLOPs of each answered problem, in latent modes.
@Suite struct EvaluationFLOPsTests {
    @Test func moreLatentStepsCostMoreFLOPs() {
        let s = tinyModelSession()
        s.ok("distill(m, d, latent: 2, batch: 8, warmup: 1)")
        // One answer token each, so the two runs differ only by their latent steps.
        s.ok("a = evaluate(m, take(d, 4), mode: 0, max_tokens: 1)\nb = evaluate(m, take(d, 4), mode: 3, max_tokens: 1)")
        #expect(s.ok("len(a.flops) == 4 and min(a.flops) > 0") == "true")
        #expect(s.ok("map(0..<4, fn(i) { b.flops[i] > a.flops[i] })") == "[true, true, true, true]")
        #expect(s.ok("evaluate(m, take(d, 2), mode: \"nocot\", max_tokens: 2).flops") == "")
    }
}

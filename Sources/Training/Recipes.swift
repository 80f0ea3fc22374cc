// Named recipes: each trainer's variants behind one named choice, the default being the best
// measured one (the language's `recipe:`, the CLI's `--recipe`). An explicit argument overrides
// its recipe's value. Each recipe names its measured figure and date.

/// The recipes of `distill`.
public enum DistillationRecipe: String, CaseIterable, Sendable {
    /// Step supervision on runs of the written chain's tokens with a light distillation term.
    case stepwise
    /// The paper's recipe (CODI's objective at this scale).
    case codi
    /// The paper's objective after a Coconut-style curriculum over the first half of the run.
    case coconut

    /// The default: the best measured.
    public static let `default` = DistillationRecipe.stepwise

    /// The recipe's settings (budget, seed and latent count as `Parameters()`: 6 latent steps).
    public var parameters: DistillationTrainer.Parameters {
        var p = DistillationTrainer.Parameters()
        switch self {
        case .codi: break
        case .stepwise: (p.batchSize, p.distillWeight, p.stepWeight, p.stepAlignment) = (4, 2, 1, .chunks)
        case .coconut: (p.batchSize, p.curriculum) = (16, 0.5)
        }
        return p
    }

    /// The measured figure and its date, in a few words (`figure`), and the settings with how the
    /// figure was measured, in one line (`summary`).
    public var figure: String { measured.figure }
    public var summary: String { measured.summary }

    private var measured: (figure: String, summary: String) {
        switch self {
        case .stepwise:
            ("Latent-6 48.4 %, mean of 3 seeds, 2026-12-07",
             "latent: 6, batch: 4, lr: 1e-3, weight: 2, step_weight: 1, step_align: \"chunks\" — Latent-6 54.3 / 53.7 / "
                + "37.3 % over seeds 0 / 1 / 2 after 50,000 steps (2026-12-07, AMD Zen 4; 60.2 ± 8.7 % in 20 min on Intel "
                + "Emerald Rapids, 2026-12-05), from a teacher reading numbers least significant digit first after "
                + "results-only SFT; with latent: \"by-chain-3\" 54.0 ± 5.0 % at 45 % less length")
        case .codi:
            ("Latent-6 13.95 %, 2026-12-08",
             "latent: 6, batch: 32, lr: 1e-3, weight: 20, no step supervision (the paper's) — Latent-6 13.95 % (30.6 / 12.0 / "
                + "7.8 / 5.3 % on 1- to 4-step problems; No-CoT 19.4 %) after 6,250 steps from the CoT teacher, the training "
                + "problems of stepwise's 50,000 × 4 (2026-12-08, AMD Zen 4; 19.2 % in 30 min at batch 16 from a teacher "
                + "reading numbers in the usual order, 2026-11-27)")
        case .coconut:
            ("Latent-6 6.45 %, 2026-12-08",
             "codi's objective with batch: 16 after Coconut-style stages over the first half of the run — Latent-6 6.45 % "
                + "(10.6 / 5.6 / 6.1 / 3.5 % on 1- to 4-step problems) after 12,500 steps from the results-only model, the "
                + "training problems of stepwise's 50,000 × 4 (2026-12-08, AMD Zen 4; 25.95 % after 6,000 steps from a "
                + "results-only model reading numbers in the usual order, 2026-11-28)")
        }
    }
}

/// The recipes of `rl`.
public enum GRPORecipe: String, CaseIterable, Sendable {
    /// A length penalty in every group with a correct answer, and an exploring stop head.
    case adaptive
    /// The paper's settings.
    case paper

    /// The default: the best measured.
    public static let `default` = GRPORecipe.adaptive

    /// The recipe's settings.
    public var parameters: GRPOTrainer.Parameters {
        var p = GRPOTrainer.Parameters()
        if self == .adaptive {
            (p.reward.cutoff, p.reward.penalty, p.sampling.headTemperature, p.headLearningRateFactor) = (0, 0.5, 8, 100)
        }
        return p
    }

    /// The measured figure and its date, in a few words (`figure`), and the settings with how the
    /// figure was measured, in one line (`summary`).
    public var figure: String {
        self == .adaptive ? "Latent-6's length −15 % at equal accuracy, 2026-12-07" : "length unchanged, 2026-12-07"
    }

    public var summary: String {
        self == .adaptive
            ? "cutoff: 0, penalty: 0.5, head_temp: 8, head_lr: 100 — from a \"stepwise\" Latent-6 whose latents compute: "
                + "mean length 8.00 → 6.77 (−15 %) at unchanged 54.3 % in 200 steps, the per-difficulty oracle's bound "
                + "(2026-12-07, AMD Zen 4; −62 % from a Latent-6 whose latents carried nothing, 2026-11-27)"
            : "cutoff: 1, penalty: 1e-4, head_temp: 1, head_lr: 1 (the paper's) — length unchanged (8.00) on three seeds in "
                + "200 steps each (2026-12-07, AMD Zen 4)"
    }
}

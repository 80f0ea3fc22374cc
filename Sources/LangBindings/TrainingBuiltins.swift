// Training builtins: sft and distill (rl is in RLBuiltin.swift).

import Lang
import Training

/// The Training category of the contract. Each builtin returns a `run`.
enum TrainingBuiltins {
    static let category = "Training"

    static var all: [Builtin] { [sft, distill, rl] }

    static var sft: Builtin {
        Builtin(
            name: "sft",
            parameters: [.init("model"), .init("data"), .init("epochs", default: 1), .init("lr", default: 1e-3),
                         .init("batch", default: 32), .init("cot", default: true), .init("steps", default: .null),
                         .init("seconds", default: .null), .init("warmup", default: 100), .init("seed", default: 0)],
            summary: "Token-level fine-tuning of the model in place on question → chain of thought → answer "
                + "(cot: false trains the No-CoT baseline). AdamW, warm-up then cosine decay; `steps` caps the "
                + "optimizer steps, `seconds` trains for a time budget. Returns a run.",
            signature: "sft(model, data, epochs: 1, lr: 1e-3, batch: 32, cot: true, steps: nil, seconds: nil, warmup: 100, seed: 0)",
            example: "r = sft(m, parts.train, epochs: 15)",
            category: category
        ) { args, context in
            let model = try ModelBuiltins.model(args)
            let data = try DataBuiltins.dataset(args, "data")
            var p = SFTTrainer.Parameters()
            p.epochs = try positiveNumber(args, "epochs")
            p.learningRate = try positiveNumber(args, "lr")
            p.batchSize = try ModelBuiltins.positive(args, "batch")
            p.chainOfThought = try args.bool("cot")
            let length = try RunLength(args, data: data)
            (p.maximumSteps, p.timeBudget, p.warmupSteps, p.seed) = (length.maximumSteps, length.timeBudget, length.warmupSteps, length.seed)
            let parameters = p
            var driver = TrainingDriver(kind: "sft", model: model, settings: settings(args), context: context)
            driver.timeBudget = parameters.timeBudget
            return try driver.run { onEvent in
                try SFTTrainer.train(model: model.model, tokenizer: model.tokenizer, data: data.dataset,
                                     parameters: parameters, onEvent: onEvent)
            }
        }
    }

    static var distill: Builtin {
        Builtin(
            name: "distill",
            parameters: [.init("model"), .init("data"), .init("latent", default: 6), .init("epochs", default: 1),
                         .init("lr", default: 1e-3), .init("batch", default: 32), .init("weight", default: 20),
                         .init("steps", default: .null), .init("seconds", default: .null), .init("warmup", default: 100),
                         .init("seed", default: 0), .init("filter_scale", default: .string("embedding")),
                         .init("drop_last", default: true), .init("step_weight", default: 0),
                         .init("curriculum", default: 0), .init("length_sorted", default: true),
                         .init("step_align", default: .string("next")), .init("teacher_weight", default: 1),
                         .init("student_weight", default: 1),
                         .init("step_distill", default: 0), .init("gate_answer", default: false),
                         .init("frozen_teacher", default: false), .init("mixed", default: 0),
                         .init("step_first", default: 0), .init("distill_final", default: true)],
            summary: "CODI-style latent SFT of the model in place: a teacher pass (explicit chain of thought) and a "
                + "student pass (latent steps) sharing weights, with `weight` × the hidden-state distillation loss "
                + "(20, the paper's; with step supervision and reversed numbers `weight: 0` measured 10 points better, because the term, whose last "
                + "block is the first answer token's logits, can collapse that token in both passes: BENCHMARKS.md, twenty-first session). "
                + "`latent` is a number of latent steps for every example, or \"by-step\" (steps + 5, capped at 10). "
                + "The first call gives the model its recurrent filter, whose output is scaled to the size of the token "
                + "embeddings (`filter_scale: \"embedding\"`) or left at the paper's LayerNorm gain 1 (\"paper\"). "
                + "`drop_last: true` drops the last CoT step from the teacher text, as the paper does. "
                + "`step_weight` > 0 adds step-level supervision: latent step k's vector must decode reasoning step k "
                + "(the last step for k past it), so the latents carry the computation; `step_align: \"spread\"` instead puts "
                + "step j of S at latent step ⌈n·j/S⌉ and leaves the steps in between free, so each step gets n/S passes; `step_align: \"written\"` supervises only the steps the teacher writes "
                + "(all but the last; latent k decodes step min(k, S − 1)) and leaves the last result to the answer text; "
                + "`step_align: \"blocks\"` supervises the same written steps, each on a block of consecutive latents (latent k, "
                + "from 0, decodes step ⌊k·(S − 1)/n⌋), so every intermediate result gets n/(S − 1) passes (the best placement "
                + "measured, BENCHMARKS.md, sixteenth session); `step_align: \"chunks\"` cuts the written chain's T tokens (its "
                + "steps concatenated) into n runs of about T/n consecutive tokens, latent k decoding run k (a latent whose run "
                + "is empty is free), so each pass computes a digit or two, as the CoT teacher computes one token per pass, "
                + "instead of a whole result (in the usual number order measured worse than \"blocks\"; with numbers least "
                + "significant digit first and `weight: 2` the best placement measured — Latent-6 50.7–67.65 %, Latent-6-by-1 "
                + "61.35 %: BENCHMARKS.md, twenty-fifth session); `step_align: \"all_blocks\"` puts every step, "
                + "the last included, on a block of consecutive latents (latent k decodes step ⌊k·S/n⌋; the last latent holds "
                + "the answer), so the answer text can copy the result instead of computing the last operation (measured: it "
                + "seldom does, BENCHMARKS.md, eighteenth session); `step_align: \"ends\"` supervises each written step on "
                + "the last latent of its \"blocks\" block only (step j of the S − 1 at latent ⌈n·j/(S − 1)⌉), the latents "
                + "before it free, so a result is computed over its block's passes instead of held from its first; "
                + "`step_align: \"spread_written\"` puts the written steps where \"spread\" puts the first S − 1 of its S "
                + "(step j at latent ⌈n·j/S⌉), every other latent free, so the latents after the last written result give the "
                + "answer's own operation passes before the text. "
                + "`step_distill` > 0 adds, with that weight, the hidden-state distance at every step: the pass that "
                + "produces step j's latent must match the teacher's states where it computes step j's result. "
                + "`gate_answer: true` (with `step_weight` > 0) trains the answer text only on rows whose latents decode every "
                + "supervised step exactly, so it learns to read the latents instead of guessing around wrong ones; the run's "
                + "`chain_exact` metric follows how many rows have an exact chain (one entry per step whose batch has rows "
                + "with supervised steps: under \"blocks\" a batch of 1-step problems has none, so the series can be "
                + "shorter than `loss`). "
                + "`student_weight` scales the student's cross-entropy (its answer text and stop decisions: the only loss "
                + "on the answer computed from the latents). "
                + "`teacher_weight` scales the teacher's cross-entropy; with it and `weight` both 0 the teacher pass is "
                + "skipped (a faster step). `frozen_teacher: true` distils toward targets computed once, at the start, by "
                + "the model as it is then (the CoT teacher), instead of the shared model's live teacher pass, so the targets "
                + "do not drift as the student trains; with `teacher_weight: 0` the teacher pass is skipped. `curriculum` > 0 spends that fraction "
                + "of the run in Coconut-style stages, where the latents stand in for the first s steps and the rest are "
                + "written out. `mixed` > 0 makes that fraction of the multi-step rows of every batch mixed: their latents "
                + "stand for the first s steps (s drawn from 1…S − 1 each time) and the later steps are written as text before "
                + "the answer, so the text learns, digit by digit, to compute from results held in latent vectors — what the "
                + "answer must do after an all-latent chain; step supervision places only the first s steps (measured no "
                + "better than plain \"blocks\", BENCHMARKS.md, seventeenth session). "
                + "`step_first` > 0 (with `step_weight` > 0) spends that opening fraction of the run on the step supervision "
                + "and the teacher's cross-entropy alone — no answer text, no distillation term — so the latents learn to "
                + "hold the steps before the answer learns to do without them, under one learning-rate schedule; the run's "
                + "`steps_only` metric marks the opening's steps (measured no better than without, BENCHMARKS.md, eighteenth session). "
                + "`distill_final: false` leaves the final normed state at the answer anchor — the input of the first "
                + "answer token's logits — out of the distillation term, so only the states between blocks are matched "
                + "and a larger `weight` cannot collapse that token in both passes (needs 2 or more layers; measured no "
                + "better at `weight: 10`, BENCHMARKS.md, twenty-fourth session). "
                + "`length_sorted: true` batches examples of similar length (little padding, but each "
                + "batch then holds problems of one difficulty); false draws batches at random. Returns a run; its `notes` say why the divergence guard rolled back, if it did "
                + "(the losses that crossed its threshold, or the parameters and the op where a gradient turned non-finite).",
            signature: "distill(model, data, latent: 6, epochs: 1, lr: 1e-3, batch: 32, weight: 20, steps: nil, seconds: nil, warmup: 100, seed: 0, filter_scale: \"embedding\", drop_last: true, step_weight: 0, curriculum: 0, length_sorted: true, step_align: \"next\", teacher_weight: 1, student_weight: 1, step_distill: 0, gate_answer: false, frozen_teacher: false, mixed: 0, step_first: 0, distill_final: true)",
            example: "distill(m, parts.train, latent: 6, epochs: 10)",
            category: category
        ) { args, context in
            let model = try ModelBuiltins.model(args)
            let data = try DataBuiltins.dataset(args, "data")
            var p = DistillationTrainer.Parameters()
            switch args["latent"] {
            case .string("by-step"): p.latent = .byStep
            case .string(let s) where s.hasPrefix("by-chain"):
                let k = s == "by-chain" ? 3 : Int(s.dropFirst("by-chain-".count)) ?? 0
                guard k > 0, s == "by-chain" || s.hasPrefix("by-chain-") else {
                    throw args.valueError("latent", "\"by-chain\" or \"by-chain-K\" (one latent per K written tokens, K ≥ 1), got \"\(s)\"")
                }
                p.latent = .byChain(tokensPerLatent: k)
            case .number:
                let n = try args.int("latent")
                guard n >= 0 else { throw args.valueError("latent", "must be 0 or more latent steps (or \"by-step\"), got \(n)") }
                p.latent = .fixed(n)
            default:
                throw args.typeError("latent", expected: "a number of latent steps or \"by-step\"")
            }
            p.epochs = try positiveNumber(args, "epochs")
            p.learningRate = try positiveNumber(args, "lr")
            p.batchSize = try ModelBuiltins.positive(args, "batch")
            let weight = try args.number("weight")
            guard weight.isFinite, weight >= 0 else { throw args.valueError("weight", "must be 0 or more, got \(Markup.number(weight))") }
            p.distillWeight = weight
            let stepWeight = try args.number("step_weight")
            guard stepWeight.isFinite, stepWeight >= 0 else { throw args.valueError("step_weight", "must be 0 or more, got \(Markup.number(stepWeight))") }
            p.stepWeight = stepWeight
            let alignments = StepAlignment.allCases.map { "\"\($0.rawValue)\"" }
            let choices = alignments.dropLast().joined(separator: ", ") + " or " + alignments.last!
            switch args["step_align"] {
            case .string(let name):
                guard let alignment = StepAlignment(rawValue: name) else {
                    throw args.valueError("step_align", "must be \(choices), got \"\(name)\"")
                }
                p.stepAlignment = alignment
            default: throw args.typeError("step_align", expected: choices)
            }
            let teacherWeight = try args.number("teacher_weight")
            guard teacherWeight.isFinite, teacherWeight >= 0 else {
                throw args.valueError("teacher_weight", "must be 0 or more, got \(Markup.number(teacherWeight))")
            }
            p.teacherWeight = teacherWeight
            let studentWeight = try args.number("student_weight")
            guard studentWeight.isFinite, studentWeight >= 0 else {
                throw args.valueError("student_weight", "must be 0 or more, got \(Markup.number(studentWeight))")
            }
            p.studentWeight = studentWeight
            let stepDistill = try args.number("step_distill")
            guard stepDistill.isFinite, stepDistill >= 0 else {
                throw args.valueError("step_distill", "must be 0 or more, got \(Markup.number(stepDistill))")
            }
            p.stepDistillWeight = stepDistill
            p.distillFinal = try args.bool("distill_final")
            if !p.distillFinal, p.distillWeight > 0, model.configuration.layers < 2 {
                throw args.valueError("distill_final", "false matches the states between blocks, and a 1-layer model has none: give it 2 or more layers, or weight: 0")
            }
            p.gateAnswer = try args.bool("gate_answer")
            if p.gateAnswer, !(p.stepWeight > 0) {
                throw args.valueError("gate_answer", "needs step supervision: give step_weight > 0 as well")
            }
            p.frozenTeacher = try args.bool("frozen_teacher")
            if p.frozenTeacher, p.stepDistillWeight > 0 {
                throw args.valueError("frozen_teacher", "holds the answer targets only: give step_distill: 0 with it")
            }
            let curriculum = try args.number("curriculum")
            guard curriculum >= 0, curriculum < 1 else {
                throw args.valueError("curriculum", "must be a fraction of the run from 0 up to (not including) 1, got \(Markup.number(curriculum))")
            }
            p.curriculum = curriculum
            let mixed = try args.number("mixed")
            guard mixed >= 0, mixed <= 1 else {
                throw args.valueError("mixed", "must be a fraction of the rows from 0 to 1, got \(Markup.number(mixed))")
            }
            p.mixed = mixed
            let stepFirst = try args.number("step_first")
            guard stepFirst >= 0, stepFirst < 1 else {
                throw args.valueError("step_first", "must be a fraction of the run from 0 up to (not including) 1, got \(Markup.number(stepFirst))")
            }
            if stepFirst > 0, !(p.stepWeight > 0) {
                throw args.valueError("step_first", "needs step supervision: give step_weight > 0 as well")
            }
            p.stepFirst = stepFirst
            p.batchesPerChunk = try args.bool("length_sorted") ? 50 : 1
            p.dropLastStep = try args.bool("drop_last")
            let length = try RunLength(args, data: data)
            (p.maximumSteps, p.timeBudget, p.warmupSteps, p.seed) = (length.maximumSteps, length.timeBudget, length.warmupSteps, length.seed)
            let embeddingScale: Bool
            switch args["filter_scale"] {
            case .string("embedding"): embeddingScale = true
            case .string("paper"): embeddingScale = false
            case .string(let other):
                throw args.valueError("filter_scale", "must be \"embedding\" or \"paper\", got \"\(other)\"")
            default: throw args.typeError("filter_scale", expected: "\"embedding\" or \"paper\"")
            }
            let latent = try EngineErrors.run("distill", "model") { try model.latentModel(seed: length.seed, embeddingScale: embeddingScale) }
            let parameters = p
            var driver = TrainingDriver(kind: "distill", model: model, settings: settings(args), context: context)
            driver.timeBudget = parameters.timeBudget
            return try driver.run { onEvent in
                try DistillationTrainer.train(model: latent, tokenizer: model.tokenizer, data: data.dataset,
                                              parameters: parameters, onEvent: onEvent)
            }
        }
    }

    /// The labels every trainer shares — `steps`, `seconds`, `warmup`, `seed` — checked once,
    /// together with a non-empty `data`.
    struct RunLength {
        var maximumSteps: Int?
        var timeBudget: Double?
        var warmupSteps: Int
        var seed: UInt64

        init(_ args: Arguments, data: DatasetObject) throws {
            if let steps = try args.optionalInt("steps") {
                guard steps >= 1 else { throw args.valueError("steps", "must be at least 1 (or nil for no cap), got \(steps)") }
                maximumSteps = steps
            }
            if !args["seconds"].isNull { timeBudget = try positiveNumber(args, "seconds") }
            warmupSteps = try args.int("warmup")
            guard warmupSteps >= 0 else { throw args.valueError("warmup", "must be 0 or more, got \(warmupSteps)") }
            let seed = try args.int("seed")
            guard seed >= 0 else { throw args.valueError("seed", "must be 0 or more, got \(seed)") }
            self.seed = UInt64(seed)
            guard !data.dataset.isEmpty else { throw args.valueError("data", "is empty; pass a dataset with at least one example") }
        }
    }

    /// A finite number above zero.
    static func positiveNumber(_ args: Arguments, _ name: String) throws -> Double {
        let x = try args.number(name)
        guard x.isFinite, x > 0 else { throw args.valueError(name, "must be a positive number, got \(Markup.number(x))") }
        return x
    }

    /// The settings a run shows: every parameter but the model and the data, as passed.
    static func settings(_ args: Arguments) -> Record {
        Record(zip(args.names, args.values).filter { !["model", "data"].contains($0.0) && !$0.1.isNull }.map { ($0.0, $0.1) })
    }
}

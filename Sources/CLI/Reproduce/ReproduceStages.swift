// The stages of `latent reproduce`, each a script of the latent language. The orchestrator
// writes every script to DIR/<stage>.lat and runs exactly that text, so `latent run
// DIR/<stage>.lat` redoes a stage by hand. A stage writes its outputs under DIR/<stage>/: the
// model (model/), the figures (results.json) and plots (*.svg).

import Support
import Foundation

struct ReproduceStage: Equatable {
    /// The stage's name: its script is DIR/<name>.lat, its outputs DIR/<name>/.
    let name: String
    /// One line for the progress display.
    let title: String
    /// The script, run in a fresh session.
    let script: String
}

/// A student distilled from the results-only model.
enum ReproduceStudent: Equatable {
    /// Latent-6, the paper's baseline (and the start of RL).
    case latent6
    /// Latent-6-by-1: a latent count that grows with the problem's steps.
    case byStep
    /// One latent step per K tokens of the written chain, stopped there by the stop head.
    case byChain(Int)

    /// The students `config` distils per seed, Latent-6 first.
    static func all(_ config: ReproduceConfig) -> [ReproduceStudent] {
        [.latent6] + (config.byStep ? [.byStep] : []) + (config.byChain.map { [.byChain($0)] } ?? [])
    }

    /// The stage name's prefix (the seed follows).
    var prefix: String {
        switch self {
        case .latent6: "latent-s"
        case .byStep: "by-step-s"
        case .byChain(let k): "chain\(k)-s"
        }
    }

    /// `distill`'s `latent:` argument.
    var latentArgument: String {
        switch self {
        case .latent6: "6"
        case .byStep: "\"by-step\""
        case .byChain(let k): "\"by-chain-\(k)\""
        }
    }

    /// The name in tables and plots.
    var label: String {
        switch self {
        case .latent6: "Latent-6"
        case .byStep: "Latent-6-by-1"
        case .byChain(let k): "Latent by chain (1 per \(k) tokens)"
        }
    }
}

enum ReproduceStages {
    /// Every stage of `config`, in the order they run: teacher, No-CoT, results-only SFT, then
    /// per seed its students (Latent-6, and Latent-6-by-1 and the by-chain student when asked),
    /// RL from Latent-6 and the evaluation of that seed's models.
    static func all(_ config: ReproduceConfig, directory: String) -> [ReproduceStage] {
        let w = ScriptWriter(config: config, directory: directory)
        var stages = [w.teacher, w.nocot, w.resultsOnly]
        for seed in config.seeds {
            for student in ReproduceStudent.all(config) { stages.append(w.latent(seed: seed, student: student)) }
            stages.append(w.rl(seed: seed))
            stages.append(w.evaluation(seed: seed))
        }
        return stages
    }

    static func latentName(seed: Int, student: ReproduceStudent = .latent6) -> String { student.prefix + "\(seed)" }
    static func rlName(seed: Int) -> String { "rl-s\(seed)" }
    static func evaluationName(seed: Int) -> String { "evaluate-s\(seed)" }
}

/// Writes the stage scripts of one configuration.
private struct ScriptWriter {
    let config: ReproduceConfig
    let directory: String

    /// `max_steps: N`, or `seconds: S` when the run is budgeted by time.
    func budget(_ b: ReproduceConfig.Budget) -> String {
        config.byTime ? "seconds: \(format(b.minutes * 60))" : "max_steps: \(b.steps)"
    }

    func format(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    /// The lines every script starts with: what it is, how to redo it, where it writes, the data.
    func header(_ name: String, _ what: String, resultsOnly: Bool = false) -> String {
        let t = config.task
        let data = resultsOnly ? "results_only(\(t.call))" : t.call
        return """
            # latent reproduce, stage "\(name)" (\(config.preset) configuration): \(what)
            # Redo by hand: latent run \(directory)/\(name).lat   (OUT=dir writes elsewhere)
            out = env("OUT", default: \(quoted(directory)))
            parts = split(\(data), \(format(t.split)))

            """
    }

    func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Saves the run's training curve of `metric`.
    func runFigures(_ name: String, run: String, metric: String, title: String) -> String {
        """
        save(curve(\(run), \(quoted(metric)), title: \(quoted(title))), out + "/\(name)/curve.svg")
        """
    }

    func evaluationRecord(_ e: String) -> String {
        "accuracy: \(e).accuracy, mean_length: \(e).mean_length, by_steps: \(e).by_steps, lengths: \(e).lengths"
    }

    var sftSettings: String { "epochs: 1000, batch: \(config.sftBatch), lr: \(config.sftLearningRate)" }

    var modelCall: String {
        "model(parts.train, dim: \(config.shape.dim), layers: \(config.shape.layers), heads: \(config.shape.heads))"
    }

    var teacher: ReproduceStage {
        fromScratch("teacher", "the chain-of-thought teacher, trained from scratch (numbers read least significant digit first).",
                    cot: true, budget: config.teacher, label: "CoT teacher")
    }

    var nocot: ReproduceStage {
        fromScratch("nocot", "the No-CoT baseline: the same model answering at once.", cot: false, budget: config.nocot,
                    label: "No-CoT baseline")
    }

    /// A model trained from scratch by `sft`, with (the teacher) or without a written chain.
    func fromScratch(_ name: String, _ what: String, cot: Bool, budget b: ReproduceConfig.Budget, label: String) -> ReproduceStage {
        let script = header(name, what) + """
            m = \(modelCall)
            r = sft(m, parts.train, \(sftSettings), \(cot ? "" : "cot: false, ")\(budget(b)))
            save(m, out + "/\(name)/model")
            \(runFigures(name, run: "r", metric: "loss", title: "\(label): training loss"))
            e = evaluate(m, parts.test, mode: "\(cot ? "cot" : "nocot")")
            print(e)
            save({steps: r.steps, seconds: r.seconds, \(evaluationRecord("e"))}, out + "/\(name)/results.json")

            """
        return ReproduceStage(name: name, title: "\(label) (\(budgetText(b)))", script: script)
    }

    var resultsOnly: ReproduceStage {
        let name = "results-only"
        let script = header(name, "the teacher taught to write only each step's result (<<37>>), the start of every distillation.",
                            resultsOnly: true) + """
            m = load_model(out + "/teacher/model")
            r = sft(m, parts.train, \(sftSettings), \(budget(config.resultsOnly)))
            save(m, out + "/\(name)/model")
            \(runFigures(name, run: "r", metric: "loss", title: "results-only SFT: training loss"))
            save({steps: r.steps, seconds: r.seconds}, out + "/\(name)/results.json")

            """
        return ReproduceStage(name: name, title: "results-only SFT from the teacher (\(budgetText(config.resultsOnly)))", script: script)
    }

    func latent(seed: Int, student: ReproduceStudent) -> ReproduceStage {
        let name = ReproduceStages.latentName(seed: seed, student: student)
        let (latent, label) = (student.latentArgument, student.label)
        let script = header(name, "\(label), recipe \"\(config.distillRecipe)\", seed \(seed), from the results-only model.",
                            resultsOnly: true) + """
            m = load_model(out + "/results-only/model")
            r = distill(m, parts.train, recipe: \(quoted(config.distillRecipe)), latent: \(latent), epochs: 1000, \(budget(config.distill)), seed: \(seed))
            save(m, out + "/\(name)/model")
            \(runFigures(name, run: "r", metric: "loss", title: "\(label) distillation (seed \(seed)): training loss"))
            save({steps: r.steps, seconds: r.seconds, notes: r.notes}, out + "/\(name)/results.json")

            """
        return ReproduceStage(name: name, title: "\(label) distillation, seed \(seed) (\(budgetText(config.distill)))", script: script)
    }

    func rl(seed: Int) -> ReproduceStage {
        let name = ReproduceStages.rlName(seed: seed)
        let from = ReproduceStages.latentName(seed: seed)
        let p = config.rlPrompts
        let script = header(name, "GRPO (recipe \"\(config.rlRecipe)\", seed \(seed)) from Latent-6 on prompts none of the task's problems share.") + """
            m = load_model(out + "/\(from)/model")
            prompts = \(p.call)
            r = rl(m, prompts, recipe: \(quoted(config.rlRecipe)), \(config.rlSettings.arguments)\(budget(config.rl)), seed: \(seed))
            save(m, out + "/\(name)/model")
            \(runFigures(name, run: "r", metric: "length", title: "RL (seed \(seed)): mean total length of the samples"))
            save({steps: r.steps, seconds: r.seconds}, out + "/\(name)/results.json")

            """
        return ReproduceStage(name: name, title: "RL from Latent-6, seed \(seed) (\(budgetText(config.rl)))", script: script)
    }

    func evaluation(seed: Int) -> ReproduceStage {
        let name = ReproduceStages.evaluationName(seed: seed)
        let latent = ReproduceStages.latentName(seed: seed)
        let counts = "0...\(config.forcedMax)"
        // Every total length a model here reaches: 2 (no latent step) to past Latent-6's 8.
        let bins = "2...\(max(config.forcedMax, 6) + 4)"
        var script = header(name, "seed \(seed) on the test problems: accuracy and length by difficulty, the forced-count frontier, RL on it.") + """
            test = parts.test
            m6 = load_model(out + "/\(latent)/model")
            mrl = load_model(out + "/\(ReproduceStages.rlName(seed: seed))/model")
            e6 = evaluate(m6, test)
            erl = evaluate(mrl, test)
            compared = {"Latent-6": e6, "Latent-6 + RL": erl}

            """
        if let k = config.byChain {
            script += """
                mc = load_model(out + "/\(ReproduceStages.latentName(seed: seed, student: .byChain(k)))/model")
                ec = evaluate(mc, test)
                compared = compared + {"by chain (\(k))": ec}

                """
        }
        script += """
            f6 = frontier(m6, test, counts: \(counts), compare: compared)
            frl = frontier(mrl, test, counts: \(counts))
            print(f6)
            save(f6.plot, out + "/\(name)/frontier.svg")
            save(hist(e6.lengths, bins: \(bins), title: "Latent-6 (seed \(seed)): total length per problem", xlabel: "latent steps + 2"), out + "/\(name)/lengths-latent.svg")
            save(hist(erl.lengths, bins: \(bins), title: "after RL (seed \(seed)): total length per problem", xlabel: "latent steps + 2"), out + "/\(name)/lengths-rl.svg")
            results = {seed: \(seed),
                       latent: {\(evaluationRecord("e6")), forced: f6.points},
                       rl: {\(evaluationRecord("erl")), forced: frl.points},
                       frontier: {best: f6.best, oracle: f6.oracle, compared: f6.compared}}

            """
        if let k = config.byChain {
            script += """
                fc = frontier(mc, test, counts: \(counts))
                save(hist(ec.lengths, bins: \(bins), title: "by chain (\(k)), seed \(seed): total length per problem", xlabel: "latent steps + 2"), out + "/\(name)/lengths-chain.svg")
                results = results + {by_chain: {\(evaluationRecord("ec")), forced: fc.points}}

                """
        }
        if config.byStep {
            script += """
                mb = load_model(out + "/\(ReproduceStages.latentName(seed: seed, student: .byStep))/model")
                eb = evaluate(mb, test)
                fb = frontier(mb, test, counts: \(counts))
                results = results + {by_step: {\(evaluationRecord("eb")), forced: fb.points}}

                """
        }
        script += """
            save(results, out + "/\(name)/results.json")

            """
        return ReproduceStage(name: name, title: "evaluation of seed \(seed): accuracy, lengths, forced counts 0…\(config.forcedMax)", script: script)
    }

    func budgetText(_ b: ReproduceConfig.Budget) -> String {
        config.byTime ? "\(format(b.minutes)) min" : "\(TextFormat.grouped(b.steps)) steps"
    }
}

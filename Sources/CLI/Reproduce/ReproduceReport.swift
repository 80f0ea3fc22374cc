// DIR/report.html of `latent reproduce`: one self-contained page — every plot an inline SVG, no
// script, stylesheet, font or link that would reach the network — with the paper-shaped table,
// accuracy by difficulty, the length histograms before and after RL, the frontier, the
// training curves, the time each stage took, the commands, the stage scripts and the machine.

import Support
import Foundation
import Plot

struct ReproduceReport {
    let results: ReproduceResults
    let directory: ReproduceDirectory
    let stages: [ReproduceStage]
    let machine: [String: Any]
    let revision: String

    /// An SVG placed inline: without its namespace attribute (HTML does not need it, and the
    /// page then names no URL at all).
    static func inline(_ svg: String) -> String {
        svg.replacingOccurrences(of: " xmlns=\"http://www.w3.org/2000/svg\"", with: "")
    }

    func figure(_ svg: String?, caption: String) -> String {
        guard let svg else { return "<p class=\"missing\">(\(TextFormat.htmlEscaped(caption)): no plot)</p>" }
        return "<figure>\(Self.inline(svg))<figcaption>\(TextFormat.htmlEscaped(caption))</figcaption></figure>"
    }

    func table(_ columns: [String], _ rows: [[String]]) -> String {
        "<table><thead><tr>" + columns.map { "<th>\(TextFormat.htmlEscaped($0))</th>" }.joined() + "</tr></thead><tbody>"
            + rows.map { "<tr>" + $0.map { "<td>\(TextFormat.htmlEscaped($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
            + "</tbody></table>"
    }

    /// Accuracy per difficulty of a model's figures: steps → accuracy.
    static func byDifficulty(_ f: ReproduceResults.Figures) -> [Int: Double] {
        var out: [Int: Double] = [:]
        for row in f["by_steps"] as? [[String: Any]] ?? [] {
            if let s = row["steps"] as? Int, let a = row["accuracy"] as? Double { out[s] = a }
        }
        return out
    }

    var difficultySection: String {
        let r = results
        let steps = Array(r.config.task.minSteps...r.config.task.maxSteps)
        var named: [(String, [[Int: Double]])] = [("CoT teacher", [Self.byDifficulty(r.teacher)]), ("No-CoT", [Self.byDifficulty(r.nocot)]),
                                                  ("Latent-6", r.latent.map(Self.byDifficulty))]
        if r.config.byStep { named.append(("Latent-6-by-1", r.byStep.map(Self.byDifficulty))) }
        named.append(("Latent-6 + RL", r.rl.map(Self.byDifficulty)))
        if let k = r.config.byChain { named.append(("by chain (\(k))", r.byChain.map(Self.byDifficulty))) }
        let rows = named.map { name, perSeed in
            [name] + steps.map { s in ReproduceResults.spread(perSeed.compactMap { $0[s] }) }
        }
        let series = named.map { name, perSeed in
            Series(name, xs: steps.map(Double.init), ys: steps.map { s in
                100 * ReportText.meanAndSpread(perSeed.compactMap { $0[s] }).mean
            })
        }
        let chart = try? Chart.line(series, options: ChartOptions(
            title: "Accuracy by difficulty (mean over seeds)", xLabel: "steps in the reference solution", yLabel: "accuracy (%)"))
        return "<h2>Accuracy by difficulty</h2>"
            + table(["method"] + steps.map { "\($0)-step" }, rows)
            + figure(chart?.svg, caption: "test accuracy by the number of steps of the reference solution")
    }

    var tableSection: String {
        "<h2>Results</h2><p>Test set: the \(TextFormat.grouped(testCount)) held-out problems of <code>"
            + TextFormat.htmlEscaped(results.config.task.call) + "</code>; ± is the standard deviation over seeds; mean total "
            + "length counts the written chain-of-thought tokens (teacher) or the latent steps + 2.</p>"
            + table(["method", "accuracy", "mean total length", "seeds"], results.rows.map { [$0.method, $0.accuracy, $0.length, $0.seeds] })
    }

    var testCount: Int {
        let t = results.config.task
        return t.n - Int((Double(t.n) * t.split).rounded(.down))
    }

    var perSeedSection: String {
        var html = "<h2>Per seed: lengths before and after RL, and the fixed-count frontier</h2>"
        for (i, seed) in results.config.seeds.enumerated() {
            let name = ReproduceStages.evaluationName(seed: seed)
            let f = results.frontier[i]
            var lines: [String] = []
            if let best = f["best"] as? [String: Any], let c = best["count"] as? Int, let a = best["accuracy"] as? Double {
                lines.append("best single forced count: \(c) (\(ReportText.percent(a)))")
            }
            for c in f["compared"] as? [[String: Any]] ?? [] {
                if let n = c["name"] as? String, let a = c["accuracy"] as? Double, let l = c["mean_length"] as? Double {
                    var line = "\(n): \(ReportText.percent(a)) at mean length \(ReportText.number(l, digits: 2))"
                    if let m = c["margin"] as? Double { line += String(format: ", %+.1f points against the frontier at that length", 100 * m) }
                    lines.append(line)
                }
            }
            let forced = (results.latent[i]["forced"] as? [String: Any] ?? [:]).compactMap { k, v -> (Int, Double)? in
                guard let count = Int(k), let accuracy = v as? Double else { return nil }
                return (count, accuracy)
            }.sorted { $0.0 < $1.0 }
            html += "<h3>Seed \(seed)</h3><ul>" + lines.map { "<li>\(TextFormat.htmlEscaped($0))</li>" }.joined() + "</ul>"
            html += table(["forced latent steps"] + forced.map { String($0.0) }, [["Latent-6 accuracy"] + forced.map { ReportText.percent($0.1) }])
            html += "<div class=\"row\">"
                + figure(directory.svg(name + "/lengths-latent.svg"), caption: "Latent-6, seed \(seed): total length per test problem")
                + figure(directory.svg(name + "/lengths-rl.svg"), caption: "after RL, seed \(seed): total length per test problem")
                + (results.config.byChain.map { k in
                    figure(directory.svg(name + "/lengths-chain.svg"), caption: "by chain (\(k)), seed \(seed): total length per test problem")
                } ?? "")
                + "</div>"
                + figure(directory.svg(name + "/frontier.svg"), caption: "seed \(seed): accuracy of Latent-6 forced to 0…\(results.config.forcedMax) latent steps, "
                    + "with the Latent-6, RL\(results.config.byChain == nil ? "" : " and by-chain") points")
        }
        return html
    }

    var curvesSection: String {
        let training = stages.filter { !$0.name.hasPrefix("evaluate-") }
        return "<h2>Training curves</h2><div class=\"row\">"
            + training.map { figure(directory.svg($0.name + "/curve.svg"), caption: $0.title) }.joined()
            + "</div>"
    }

    var provenanceSection: String {
        let r = results
        let timeRows = stages.map { s in
            [s.name, r.steps[s.name].map(TextFormat.grouped) ?? "—", r.seconds[s.name].map(TextFormat.duration) ?? "—"]
        }
        let total = r.seconds.values.reduce(0, +)
        var machineRows = machine.keys.sorted().map { key -> [String] in
            let value = machine[key]
            let text = (value as? [String]).map { $0.joined(separator: " ") } ?? (value as? Double).map { ReportText.number($0, digits: 1) }
                ?? "\(value ?? "")"
            return [key, text]
        }
        machineRows.append(["latent revision", revision])
        let scripts = stages.map { s in
            "<details><summary><code>\(TextFormat.htmlEscaped(directory.file(s.name + ".lat")))</code> — \(TextFormat.htmlEscaped(s.title))</summary>"
                + "<pre>\(TextFormat.htmlEscaped((try? String(contentsOfFile: directory.file(s.name + ".lat"), encoding: .utf8)) ?? s.script))</pre></details>"
        }.joined(separator: "\n")
        return "<h2>Time per stage</h2>" + table(["stage", "optimizer steps", "time"], timeRows + [["total", "", TextFormat.duration(total)]])
            + "<h2>Commands</h2><pre>" + TextFormat.htmlEscaped(directory.commands.joined(separator: "\n")) + "</pre>"
            + "<p>Each stage is a script of the latent language; <code>latent run DIR/STAGE.lat</code> redoes it by hand.</p>" + scripts
            + "<h2>Machine and versions</h2>" + table(["", ""], machineRows)
    }

    var html: String {
        let c = results.config
        let title = "latent reproduce — \(c.preset) configuration"
        let style = """
            body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
            table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}
            th:first-child,td:first-child{text-align:left}figure{display:inline-block;margin:.5em}
            figcaption{font-size:.85em;color:#555;max-width:640px}.row{display:flex;flex-wrap:wrap}
            pre{background:#f6f6f6;padding:.6em;overflow-x:auto}code{background:#f6f6f6}
            """
        let intro = "<p>The paper's pipeline (<i>Learning When to Stop: Adaptive Latent Reasoning via Reinforcement Learning</i>, "
            + "Ning, Kuo, Gomes, 2025) at toy scale: a CoT teacher, a No-CoT baseline, Latent-6 distilled with the \""
            + TextFormat.htmlEscaped(c.distillRecipe) + "\" recipe, then GRPO with the \"" + TextFormat.htmlEscaped(c.rlRecipe)
            + "\" recipe"
            + (c.byChain.map { k in "; beside them a student whose latent count follows the written chain (one latent step per \(k) tokens), placed on Latent-6's frontier" } ?? "")
            + ". Model: dim \(c.shape.dim) × \(c.shape.layers) layers × \(c.shape.heads) heads. Budgets: "
            + (c.byTime ? "minutes per stage." : "optimizer steps per stage (the figures do not depend on the machine's speed).") + "</p>"
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(TextFormat.htmlEscaped(title))</title>"
            + "<style>\(style)</style></head><body><h1>\(TextFormat.htmlEscaped(title))</h1>" + intro
            + tableSection + difficultySection + perSeedSection + curvesSection + provenanceSection
            + "</body></html>\n"
    }
}

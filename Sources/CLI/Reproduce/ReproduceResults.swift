// The figures of a finished `latent reproduce` run, gathered from what its stages wrote
// (DIR/<stage>/results.json, done.json), as results.json holds them and as the paper-shaped table
// shows them.

import Foundation

struct ReproduceResults {
    /// One evaluated model: {accuracy, mean_length, by_steps: [{steps, count, accuracy, mean_length}], …}.
    typealias Figures = [String: Any]

    let config: ReproduceConfig
    var teacher: Figures
    var nocot: Figures
    /// Per seed, in the order of `config.seeds`; each with `seed` and `forced: {count: accuracy}`.
    var latent: [Figures]
    var rl: [Figures]
    var byStep: [Figures]
    /// The by-chain student per seed (empty without one).
    var byChain: [Figures]
    /// Per seed: the Latent-6 frontier's best single count, oracle and compared policies.
    var frontier: [Figures]
    var seconds: [String: Double]
    /// The RL steps and the training steps each stage made.
    var steps: [String: Int]

    /// Reads every stage's outputs; throws naming the first that is missing.
    init(directory: ReproduceDirectory, config: ReproduceConfig, stages: [ReproduceStage]) throws {
        self.config = config
        func read(_ name: String) throws -> Figures {
            guard let figures = directory.json(name) as? Figures else {
                throw ReproduceError("\(directory.file(name)) is missing or unreadable: remove \(directory.file(name.components(separatedBy: "/")[0] + "/done.json")) "
                    + "and run the command again to redo that stage")
            }
            return figures
        }
        func model(_ f: Figures) -> Figures {
            f.filter { ["accuracy", "mean_length", "by_steps"].contains($0.key) }
        }
        func forced(_ f: Figures, seed: Int) -> Figures {
            var out = model(f)
            out["seed"] = seed
            var byCount: [String: Any] = [:]
            for point in f["forced"] as? [[String: Any]] ?? [] {
                if let count = point["count"] as? Int, let accuracy = point["accuracy"] { byCount[String(count)] = accuracy }
            }
            out["forced"] = byCount
            return out
        }
        teacher = model(try read("teacher/results.json"))
        nocot = model(try read("nocot/results.json"))
        (latent, rl, byStep, byChain, frontier) = ([], [], [], [], [])
        for seed in config.seeds {
            let e = try read(ReproduceStages.evaluationName(seed: seed) + "/results.json")
            latent.append(forced(e["latent"] as? Figures ?? [:], seed: seed))
            rl.append(forced(e["rl"] as? Figures ?? [:], seed: seed))
            if config.byStep { byStep.append(forced(e["by_step"] as? Figures ?? [:], seed: seed)) }
            if config.byChain != nil { byChain.append(forced(e["by_chain"] as? Figures ?? [:], seed: seed)) }
            var f = e["frontier"] as? Figures ?? [:]
            f["seed"] = seed
            frontier.append(f)
        }
        (seconds, steps) = ([:], [:])
        for stage in stages {
            if let record = directory.finished(stage.name) { seconds[stage.name] = record.seconds }
            if let n = (directory.json(stage.name + "/results.json") as? Figures)?["steps"] as? Int { steps[stage.name] = n }
        }
    }

    /// The whole of results.json.
    func json(machine: [String: Any], revision: String, commands: [String]) throws -> Data {
        let configObject = try JSONSerialization.jsonObject(with: config.encoded())
        var object: [String: Any] = [
            "teacher": teacher, "nocot": nocot, "latent": latent, "rl": rl, "frontier": frontier,
            "config": configObject, "machine": machine, "seconds": seconds, "steps": steps,
            "version": ["latent": revision], "commands": commands,
            "table": rows.map { ["method": $0.method, "accuracy": $0.accuracy, "mean_length": $0.length, "seeds": $0.seeds] },
        ]
        if config.byStep { object["by_step"] = byStep }
        if config.byChain != nil { object["by_chain"] = byChain }
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    // MARK: - The paper-shaped table

    struct Row {
        var method: String
        var accuracy: String
        var length: String
        var seeds: String
    }

    static func values(_ list: [Figures], _ key: String) -> [Double] { list.compactMap { $0[key] as? Double } }

    /// "60.2 ± 8.7 %" (mean ± standard deviation over seeds), or one value.
    static func spread(_ xs: [Double], scale: Double = 100, unit: String = " %") -> String {
        let (mean, sd) = ReportText.meanAndSpread(xs.map { $0 * scale })
        let digits = 2
        return xs.count > 1
            ? "\(ReportText.number(mean, digits: digits)) ± \(ReportText.number(sd, digits: digits))\(unit)"
            : "\(ReportText.number(mean, digits: digits))\(unit)"
    }

    var rows: [Row] {
        func single(_ f: Figures, _ key: String) -> [Double] { (f[key] as? Double).map { [$0] } ?? [] }
        let seedText = config.seeds.map(String.init).joined(separator: ", ")
        var rows = [
            Row(method: "CoT teacher", accuracy: Self.spread(single(teacher, "accuracy")),
                length: Self.spread(single(teacher, "mean_length"), scale: 1, unit: ""), seeds: "—"),
            Row(method: "No-CoT", accuracy: Self.spread(single(nocot, "accuracy")),
                length: Self.spread(single(nocot, "mean_length"), scale: 1, unit: ""), seeds: "—"),
            Row(method: "Latent-6 (\(config.distillRecipe))", accuracy: Self.spread(Self.values(latent, "accuracy")),
                length: Self.spread(Self.values(latent, "mean_length"), scale: 1, unit: ""), seeds: seedText),
        ]
        if config.byStep {
            rows.append(Row(method: "Latent-6-by-1 (\(config.distillRecipe))", accuracy: Self.spread(Self.values(byStep, "accuracy")),
                            length: Self.spread(Self.values(byStep, "mean_length"), scale: 1, unit: ""), seeds: seedText))
        }
        let before = ReportText.meanAndSpread(Self.values(latent, "mean_length")).mean
        func change(_ list: [Figures]) -> String {
            let after = ReportText.meanAndSpread(Self.values(list, "mean_length")).mean
            return before > 0 ? String(format: " (%+.1f %%)", 100 * (after - before) / before) : ""
        }
        rows.append(Row(method: "Latent-6 + RL (\(config.rlRecipe))", accuracy: Self.spread(Self.values(rl, "accuracy")),
                        length: Self.spread(Self.values(rl, "mean_length"), scale: 1, unit: "") + change(rl), seeds: seedText))
        if let k = config.byChain {
            rows.append(Row(method: "\(ReproduceStudent.byChain(k).label) (\(config.distillRecipe))",
                            accuracy: Self.spread(Self.values(byChain, "accuracy")),
                            length: Self.spread(Self.values(byChain, "mean_length"), scale: 1, unit: "") + change(byChain), seeds: seedText))
        }
        return rows
    }

    /// The table as aligned text for the terminal.
    var terminalTable: String {
        let header = Row(method: "method", accuracy: "accuracy", length: "mean total length", seeds: "seeds")
        let all = [header] + rows
        let widths = [all.map(\.method.count).max()!, all.map(\.accuracy.count).max()!, all.map(\.length.count).max()!]
        func pad(_ s: String, _ w: Int, right: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return right ? fill + s : s + fill
        }
        let lines = all.map { r in
            pad(r.method, widths[0], right: false) + "  " + pad(r.accuracy, widths[1], right: true) + "  "
                + pad(r.length, widths[2], right: true) + "  " + r.seeds
        }
        let rule = String(repeating: "─", count: lines.map(\.count).max() ?? 0)
        return ([lines[0], rule] + lines.dropFirst()).joined(separator: "\n")
    }
}

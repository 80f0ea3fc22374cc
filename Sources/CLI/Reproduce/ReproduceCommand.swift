// `latent reproduce`: the paper's pipeline unattended — CoT teacher, No-CoT, Latent-6 (and
// optionally Latent-6-by-1) per seed, the by-chain student per seed (full size), RL per seed, the
// evaluation — each stage a script of the language written to DIR and run through the same
// interpreter as `latent run`, saved when it finishes, so the command resumes after its last
// finished stage; then DIR/results.json, DIR/report.html and the paper-shaped table.

import ArgumentParser
import Foundation
import Lang
import REPL
import Support
import TensorCore

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Run the paper's pipeline (teacher, No-CoT, Latent-6, RL, evaluation) and write a report.",
        discussion: """
            Every stage is written as a script DIR/STAGE.lat (`latent run` redoes it by hand) and \
            its model and figures are saved under DIR/STAGE/ when it finishes. Run the same command \
            again after Ctrl-C, a crash or a reboot: finished stages are kept and the run goes on \
            from the first unfinished one. A different configuration on the same DIR is refused. \
            At the end: DIR/results.json, DIR/report.html (self-contained) and the results table. \
            The default budgets are the optimizer steps of the published runs (hours on two \
            cores); --quick runs a smaller task and model in about five minutes. At full size each \
            seed also distils the adaptive student whose latent count follows the written chain \
            (--by-chain 3; --by-chain 0 leaves it out) and places it on Latent-6's frontier.
            """)

    @Option(help: "Seeds of the distillation and RL stages, comma-separated (default: 0,1,2; with --quick: 0).")
    var seeds: String?
    @Option(help: "Output directory (default: reproduce, or reproduce-quick with --quick).")
    var out: String?
    @Flag(help: "A smaller task and model (steps 1...3, dim 64) that shows the method in about five minutes on two cores.")
    var quick = false
    /// Seconds-long stages for the integration tests; not a configuration worth reading.
    @Flag(help: .hidden)
    var tiny = false
    @Flag(help: "Budget each stage by the minutes the published runs took instead of their optimizer steps (a slower machine then makes fewer updates).")
    var minutes = false
    @Flag(help: "Also distil Latent-6-by-1 (a latent count that grows with the problem's steps) per seed.")
    var byStep = false
    @Option(help: ArgumentHelp("Also distil a student whose latent count follows the written chain, one latent step per K chain tokens (latent: \"by-chain-K\"), per seed, and place it on Latent-6's frontier; 0 leaves it out.", valueName: "K"))
    var byChain: Int?
    @Flag(help: "Print the configuration (task, model, every stage's budget and recipe, seeds) as JSON and exit without running anything.")
    var showConfig = false
    @Option(help: "Threads for OpenBLAS and the engine's kernels (not part of the configuration: a run may resume with another count).")
    var threads = Engine.defaultThreads

    func validate() throws {
        guard !(quick && tiny) else { throw ValidationError("--quick and --tiny are two configurations: pass one") }
        _ = try seedList()
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let byChain, !(0...64).contains(byChain) {
            throw ValidationError("--by-chain takes the chain tokens per latent step, from 1 to 64 (0: no such student); got \(byChain)")
        }
    }

    func seedList() throws -> [Int] {
        guard let seeds else { return quick || tiny ? [0] : [0, 1, 2] }
        let parts = seeds.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let list = parts.compactMap { Int($0) }
        guard list.count == parts.count, !list.isEmpty, list.allSatisfy({ (0...1_000_000).contains($0) }) else {
            throw ValidationError("--seeds must be whole numbers from 0 to 1000000 separated by commas, such as 0,1,2; got \(seeds)")
        }
        guard Set(list).count == list.count else { throw ValidationError("--seeds lists a seed twice: \(seeds)") }
        return list
    }

    var config: ReproduceConfig {
        let list = (try? seedList()) ?? [0]
        var c = tiny ? ReproduceConfig.tiny(seeds: list) : quick ? ReproduceConfig.quick(seeds: list) : ReproduceConfig.full(seeds: list)
        c.budgetKind = minutes ? "minutes" : "steps"
        c.byStep = byStep
        if let byChain { c.byChain = byChain == 0 ? nil : byChain }
        return c
    }

    func run() throws {
        let config = config
        if showConfig {
            print(String(decoding: try config.encoded(), as: UTF8.self))
            return
        }
        Engine.setThreads(threads)
        let directory = ReproduceDirectory(out ?? (tiny ? "reproduce-tiny" : quick ? "reproduce-quick" : "reproduce"))
        let stages = ReproduceStages.all(config, directory: directory.path)
        do {
            try directory.open(for: config)
            for stage in stages { try directory.writeScript(stage) }
        } catch {
            Self.say("latent reproduce: \(error)")
            throw ExitCode(2)
        }
        directory.logCommand(["latent"] + CommandLine.arguments.dropFirst())
        Self.say("latent reproduce: \(config.preset) configuration, \(stages.count) stages, output in \(directory.path)")
        for (i, stage) in stages.enumerated() {
            let label = "[\(i + 1)/\(stages.count)] \(stage.name)"
            if let record = directory.finished(stage.name) {
                Self.say("\(label): finished earlier (\(TextFormat.duration(record.seconds))), kept")
                continue
            }
            Self.say("\n\(label): \(stage.title)   script: \(directory.file(stage.name + ".lat"))")
            let session = SessionFactory.makeSession()
            let start = Date()
            let status = ScriptRunner.run(stage.script, session: session,
                                          plots: PlotFiles(directory: URL(fileURLWithPath: directory.file(stage.name))))
            let seconds = Date().timeIntervalSince(start)
            guard status == 0 else {
                let stopped = session.interruption.isRequested
                Self.say("\nlatent reproduce: stage \(stage.name) \(stopped ? "was interrupted" : "failed") after \(TextFormat.duration(seconds)); "
                    + "the \(i) stage(s) before it are kept. Run the same command again to go on from \(stage.name).")
                throw ExitCode(stopped ? 130 : 1)
            }
            do {
                try directory.markFinished(stage.name, seconds: seconds)
            } catch {
                Self.say("latent reproduce: cannot record that \(stage.name) finished: \(error.localizedDescription)")
                throw ExitCode(1)
            }
            Self.say("\(label): done in \(TextFormat.duration(seconds))")
        }
        do {
            try finish(config: config, directory: directory, stages: stages)
        } catch {
            Self.say("latent reproduce: \(error)")
            throw ExitCode(1)
        }
    }

    /// results.json, report.html and the table, from what the finished stages wrote.
    func finish(config: ReproduceConfig, directory: ReproduceDirectory, stages: [ReproduceStage]) throws {
        let results = try ReproduceResults(directory: directory, config: config, stages: stages)
        let machine = MachineInfo.describe(threads: threads)
        let revision = MachineInfo.revision
        try results.json(machine: machine, revision: revision, commands: directory.commands)
            .write(to: URL(fileURLWithPath: directory.file("results.json")), options: .atomic)
        let report = ReproduceReport(results: results, directory: directory, stages: stages, machine: machine, revision: revision)
        try Data(report.html.utf8).write(to: URL(fileURLWithPath: directory.file("report.html")), options: .atomic)
        let total = results.seconds.values.reduce(0, +)
        print("\n" + results.terminalTable)
        print("\n\(config.preset) configuration, \(TextFormat.duration(total)) of stages in all. "
            + "Report: \(directory.file("report.html")); figures: \(directory.file("results.json"))")
    }

    static func say(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

import ArgumentParser

@main
struct Latent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Adaptive latent reasoning: engine, trainers, language, REPL and Jupyter kernel.",
        subcommands: [BenchCommand.self, TensorsCommand.self, TrainCommand.self,
                      ReplCommand.self,
                      RunCommand.self,
                      KernelCommand.self,
                      InstallKernelCommand.self]
    )
}

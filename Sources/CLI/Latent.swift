import ArgumentParser

@main
struct Latent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Adaptive latent reasoning: engine, trainers, language, REPL and Jupyter kernel.",
        subcommands: [BenchCommand.self, TensorsCommand.self, TrainCommand.self,
                      ReplCommand.self,
                      RunCommand.self, ReproduceCommand.self,
                      KernelCommand.self,
                      InstallKernelCommand.self]
    )

    /// Before parsing: a re-execution with OPENBLAS_CORETYPE when OpenBLAS took this CPU for a
    /// pre-AVX one (OpenBLASRetune).
    static func main() {
        OpenBLASRetune.reexecIfMisdetected()
        main(nil)
    }
}

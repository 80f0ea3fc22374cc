// `latent repl`: the interactive line REPL.

import ArgumentParser
import REPL

struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Start the interactive REPL of the latent language.",
        discussion: """
            Line editing and tab completion when standard input is a terminal; history in \
            ~/.latent_history (or $LATENT_HISTORY). An entry with open brackets continues on the \
            next line. Ctrl-C interrupts a running command or clears the line; Ctrl-D quits. \
            Plots print a summary and the path of an SVG file ($LATENT_PLOT_DIR, default \
            $TMPDIR/latent-plots). With standard input from a pipe, lines are read without editing.
            """)

    @Option(help: "History file (default: $LATENT_HISTORY or ~/.latent_history).")
    var history: String?

    func run() throws {
        let repl = Repl.standard(session: SessionFactory.makeSession(), historyPath: history ?? Repl.defaultHistoryPath)
        let status = repl.run()
        if status != 0 { throw ExitCode(status) }
    }
}

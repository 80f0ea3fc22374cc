// `latent run FILE`: run a script of the latent language.

import ArgumentParser
import Foundation
import REPL

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a latent script (a .lat file, or - for standard input).",
        discussion: """
            Output is printed as the script runs; the value of its last line is not. An error is \
            printed to standard error and ends the run with exit status 1; Ctrl-C stops it the \
            same way (Interrupted).
            """)

    @Argument(help: "The script file, or - to read the script from standard input.")
    var file: String

    @OptionGroup var profile: ProfileOptions

    func run() throws {
        let code: String
        do {
            code = try ScriptRunner.load(file)
        } catch {
            FileHandle.standardError.write(Data("latent run: \(error)\n".utf8))
            throw ExitCode(1)
        }
        profile.start()
        let status = ScriptRunner.run(code, session: SessionFactory.makeSession(), stdinIsScript: file == "-")
        try profile.finish()
        if status != 0 { throw ExitCode(status) }
    }
}

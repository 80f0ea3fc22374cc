// `--profile` / `--profile-json PATH`: the engine's op-level profile (TensorCore's Profiler) of a
// whole command, for `latent run` and any command that includes these options: `start()` before
// the work turns the profiler on and opens the window, `finish()` after it prints the table to
// standard error and writes the JSON. The environment variable LATENT_PROFILE=1 does the same as
// --profile for a command that includes them (so a script driver need not pass a flag).

import ArgumentParser
import Foundation
import TensorCore

struct ProfileOptions: ParsableArguments {
    @Flag(help: "Print the time per op kind (forward and backward apart) to standard error at the end.")
    var profile = false

    @Option(help: "Write the profile as JSON to this file at the end (implies --profile).")
    var profileJson: String?

    /// Whether profiling was asked for, by flag or by LATENT_PROFILE=1.
    var isRequested: Bool {
        profile || profileJson != nil || ProcessInfo.processInfo.environment["LATENT_PROFILE"] == "1"
    }

    /// Turns the profiler on and starts its window on the calling thread (when asked for).
    func start() {
        guard isRequested else { return }
        Profiler.isEnabled = true
        Profiler.reset()
    }

    /// Prints the window's table to standard error and writes its JSON (when asked for).
    func finish() throws {
        guard isRequested else { return }
        let report = Profiler.report()
        FileHandle.standardError.write(Data(("op-level profile (whole command):\n" + report.table + "\n").utf8))
        if let path = profileJson {
            do {
                try Data((report.json + "\n").utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                throw ValidationError("cannot write the profile to \(path): \(error.localizedDescription)")
            }
        }
    }
}

// `latent install-kernel`: register this binary with Jupyter as the "latent" kernel.

import ArgumentParser
import Foundation
import Kernel

struct InstallKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-kernel",
        abstract: "Install the latent kernelspec so Jupyter can start this binary.",
        discussion: """
            Writes <prefix>/share/jupyter/kernels/latent/ (kernel.json and logos). Where: --user
            (the default; $JUPYTER_DATA_DIR or ~/.local/share/jupyter), --prefix P, or --sys-prefix
            (the virtualenv of --python, or of $VIRTUAL_ENV).
            """)

    @Flag(help: "Install for the current user (the default).")
    var user = false

    @Option(help: "Install under this prefix: PREFIX/share/jupyter/kernels/latent.")
    var prefix: String?

    @Flag(name: .customLong("sys-prefix"), help: "Install into the Python environment's prefix (sys.prefix).")
    var sysPrefix = false

    @Option(help: "The Python whose sys.prefix --sys-prefix uses (e.g. .venv/bin/python).")
    var python: String?

    @Option(help: "The kernel's name (directory name).")
    var name = "latent"

    @Option(name: .customLong("display-name"), help: "The name Jupyter shows.")
    var displayName = "latent"

    func validate() throws {
        if [user, prefix != nil, sysPrefix].filter({ $0 }).count > 1 {
            throw ValidationError("choose one of --user, --prefix and --sys-prefix")
        }
    }

    func run() throws {
        let spec = KernelSpec(name: name, displayName: displayName, executable: try Self.executablePath())
        let directory: String
        if let prefix {
            directory = spec.directory(prefix: Self.absolute(prefix))
        } else if sysPrefix {
            directory = spec.directory(prefix: try environmentPrefix())
        } else {
            directory = (Self.userDataDirectory() as NSString).appendingPathComponent("kernels/\(name)")
        }
        let written = try spec.install(into: directory)
        print("installed kernelspec '\(name)' in \(written)")
    }

    /// The absolute path of the running binary (symlinks resolved).
    static func executablePath() throws -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return path
        }
        let argument = CommandLine.arguments[0]
        guard argument.contains("/") else {
            throw ValidationError("cannot tell where the latent binary is; run it by its path")
        }
        return (absolute(argument) as NSString).resolvingSymlinksInPath
    }

    static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
        return ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded) as NSString)
            .standardizingPath
    }

    /// Jupyter's per-user data directory on Linux.
    static func userDataDirectory() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment["JUPYTER_DATA_DIR"], !dir.isEmpty { return absolute(dir) }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return (absolute(xdg) as NSString).appendingPathComponent("jupyter")
        }
        return (NSHomeDirectory() as NSString).appendingPathComponent(".local/share/jupyter")
    }

    /// `sys.prefix` of --python, else $VIRTUAL_ENV.
    func environmentPrefix() throws -> String {
        if let python {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.absolute(python))
            process.arguments = ["-c", "import sys; sys.stdout.write(sys.prefix)"]
            let output = Pipe()
            process.standardOutput = output
            do {
                try process.run()
            } catch {
                throw ValidationError("cannot run --python '\(python)': \(error.localizedDescription)")
            }
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let prefix = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard process.terminationStatus == 0, !prefix.isEmpty else {
                throw ValidationError("'\(python) -c \"import sys; print(sys.prefix)\"' failed")
            }
            return prefix
        }
        if let env = ProcessInfo.processInfo.environment["VIRTUAL_ENV"], !env.isEmpty {
            return Self.absolute(env)
        }
        throw ValidationError("--sys-prefix needs --python PATH or an active virtualenv ($VIRTUAL_ENV)")
    }
}

// `latent kernel --connection-file PATH`: the Jupyter kernel, as launched from kernel.json.

import ArgumentParser
import Foundation
import Kernel
import KernelZMQ
import Lang

struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Run the Jupyter kernel (Jupyter starts it with a connection file).",
        discussion: "Set LATENT_KERNEL_LOG=FILE (or =stderr) to log every message in and out, and "
            + "LATENT_KERNEL_MAX_MESSAGE_BYTES=N to change the largest frame a client may send "
            + "(default \(KernelServer.defaultMaxMessageBytes), 64 MiB).")

    @Option(name: .customLong("connection-file"), help: "The connection file Jupyter wrote.")
    var connectionFile: String?

    @Argument(help: "The connection file, as an alternative to --connection-file.")
    var connectionFileArgument: String?

    func validate() throws {
        switch (connectionFile, connectionFileArgument) {
        case (nil, nil): throw ValidationError("give the connection file: latent kernel --connection-file PATH")
        case (.some, .some): throw ValidationError("give the connection file once, either positionally or with --connection-file")
        default: break
        }
    }

    func run() throws {
        let path = connectionFile ?? connectionFileArgument ?? ""
        let connection = try ConnectionInfo(contentsOf: path)
        let environment = ProcessInfo.processInfo.environment
        var maxMessageBytes = KernelServer.defaultMaxMessageBytes
        if let text = environment["LATENT_KERNEL_MAX_MESSAGE_BYTES"] {
            guard let value = Int(text), value >= 1024 else {
                throw ValidationError("LATENT_KERNEL_MAX_MESSAGE_BYTES must be a whole number of bytes, at least 1024, got '\(text)'")
            }
            maxMessageBytes = value
        }
        let log = KernelLog.standard()
        let server = KernelServer(
            connection: connection, interpreter: SessionFactory.makeSession(), log: log,
            maxMessageBytes: maxMessageBytes, environment: environment)
        do {
            try server.run()
        } catch {
            throw ValidationError("cannot start the kernel: \(error)")
        }
    }
}

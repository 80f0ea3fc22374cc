// Where the kernel reports dropped messages and, when asked, its message traffic.

import Foundation

/// Logging sinks. `problem` receives one line for every dropped message (bad signature,
/// malformed frames) or internal failure; `traffic`, when set, one line per message in or out.
public struct KernelLog: Sendable {
    public var problem: @Sendable (String) -> Void
    public var traffic: (@Sendable (String) -> Void)?

    public init(problem: @escaping @Sendable (String) -> Void, traffic: (@Sendable (String) -> Void)? = nil) {
        self.problem = problem
        self.traffic = traffic
    }

    /// Discards everything (tests).
    public static let silent = KernelLog(problem: { _ in })

    /// Problems go to standard error. When the environment variable `LATENT_KERNEL_LOG`
    /// names a file, every message in and out is appended to it as well (a value of
    /// `stderr` logs traffic to standard error).
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> KernelLog {
        let stderr = FileHandle.standardError
        let problem: @Sendable (String) -> Void = { line in
            stderr.write(Data("[latent kernel] \(line)\n".utf8))
        }
        guard let path = environment["LATENT_KERNEL_LOG"], !path.isEmpty else {
            return KernelLog(problem: problem)
        }
        if path == "stderr" {
            return KernelLog(problem: problem, traffic: { line in
                stderr.write(Data("[latent kernel] \(Header.now()) \(line)\n".utf8))
            })
        }
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let file = FileHandle(forWritingAtPath: path) else {
            problem("cannot open LATENT_KERNEL_LOG file '\(path)'; message log disabled")
            return KernelLog(problem: problem)
        }
        file.seekToEndOfFile()
        let sink: @Sendable (String) -> Void = { line in
            file.write(Data("\(Header.now()) \(line)\n".utf8))
        }
        return KernelLog(
            problem: { line in problem(line); sink("PROBLEM " + line) },
            traffic: sink)
    }
}

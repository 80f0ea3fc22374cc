// The machine and build a `latent reproduce` run ran on, for results.json and the report: the
// CPU, its vector extensions, the kernels the engine chose, the threads, the source revision.

import Foundation
import TensorCore

enum MachineInfo {
    /// The vector extensions worth naming, as /proc/cpuinfo spells them.
    static let extensions = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl",
                             "avx512_vnni", "avx512_bf16", "amx_tile"]

    static func describe(threads: Int) -> [String: Any] {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let lines = info.split(separator: "\n")
        func field(_ name: String) -> String? {
            lines.first { $0.hasPrefix(name) }.flatMap { line in
                line.firstIndex(of: ":").map { line[line.index(after: $0)...].trimmingCharacters(in: .whitespaces) }
            }
        }
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        var uts = utsname()
        uname(&uts)
        func text<T>(_ tuple: T) -> String {
            withUnsafeBytes(of: tuple) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return [
            "cpu": field("model name") ?? "unknown",
            "cores": ProcessInfo.processInfo.activeProcessorCount,
            "memory_gib": Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30),
            "vector_extensions": extensions.filter(flags.contains),
            "gemm": BLAS.engineDescription,
            "openblas_core": BLAS.openBLASCoreName,
            "threads": threads,
            "os": "\(text(uts.sysname)) \(text(uts.release)) \(text(uts.machine))",
        ]
    }

    /// The source revision the binary was built from, when it sits in a git checkout
    /// (`.build/release/latent` does): `git describe --always --dirty`, else "unknown".
    static var revision: String {
        guard let executable = Bundle.main.executablePath else { return "unknown" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", URL(fileURLWithPath: executable).deletingLastPathComponent().path,
                             "describe", "--always", "--dirty", "--abbrev=12"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return "unknown" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && !text.isEmpty ? text : "unknown"
    }
}

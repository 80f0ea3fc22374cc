// What the CPU can run, read once from the operating system. The kernels of CPUKernels are
// compiled for AVX-512 and may only be called when `avx512` is true; those of CPUKernelsAVX2
// for AVX2 + FMA, called only when `avx2` is true.

import Foundation

public enum CPUFeatures {
    /// The AVX-512 subsets CPUKernels is compiled for (skylake-avx512: F, CD, BW, DQ, VL).
    public static let avx512Flags = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    /// True when this CPU, as the kernel reports it, has every flag of `avx512Flags`. Linux
    /// lists a flag only when the kernel also saves the registers it needs, so a listed flag is
    /// usable. Elsewhere (no /proc/cpuinfo) false.
    public static let avx512: Bool = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return hasAll(avx512Flags, inCPUInfo: text)
    }()

    /// The flags CPUKernelsAVX2 is compiled for (haswell: AVX2 and FMA).
    public static let avx2Flags = ["avx2", "fma"]

    /// True when this CPU, as the kernel reports it, has AVX2 and FMA.
    public static let avx2: Bool = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return hasAll(avx2Flags, inCPUInfo: text)
    }()

    /// The CPU's model name as the kernel reports it ("" where there is no /proc/cpuinfo), for
    /// benchmark reports.
    public static let modelName: String = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return ""
    }()

    /// Whether the first `flags` line of a /proc/cpuinfo text lists every one of `wanted`.
    public static func hasAll(_ wanted: [String], inCPUInfo text: String) -> Bool {
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let flags = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
            return wanted.allSatisfy(flags.contains)
        }
        return false
    }
}

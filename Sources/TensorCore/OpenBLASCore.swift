// OpenBLAS picks its kernels for the CPU when the library is loaded. A release older than the
// CPU does not know its model and falls back to its oldest x86-64 kernels ("Prescott": SSE3,
// no AVX): Debian 12's OpenBLAS 0.3.21 does that on Intel's Emerald Rapids (family 6, model
// 207), where the engine's small backward products then ran about a quarter slower
// (measured 2026-12-05). The choice can only be changed before the library
// loads, through OPENBLAS_CORETYPE, so the command-line tool re-executes itself with it set
// (CLI/OpenBLASRetune.swift); this file holds the decision, which tests can check.

public enum OpenBLASCore {
    /// The names OpenBLAS reports for pre-AVX CPU families. On a CPU with AVX2 or AVX-512 one of
    /// these means OpenBLAS did not recognise the CPU.
    public static let preAVX: Set<String> = [
        "katmai", "coppermine", "northwood", "prescott", "banias", "core2", "penryn", "dunnington",
        "nehalem", "atom", "unknown",
    ]

    /// The environment variable that overrides OpenBLAS's choice at load time.
    public static let variable = "OPENBLAS_CORETYPE"

    /// The core type to ask for, or nil to keep OpenBLAS's choice: a pre-AVX family reported
    /// on a CPU with the AVX-512 subsets of SkylakeX asks for "SkylakeX", on one with AVX2 and
    /// FMA for "Haswell". A name OpenBLAS recognised as a modern family is always kept. The
    /// CPU's features are asked only then: every start of the tool passes here, and on a CPU
    /// OpenBLAS knows there is no reason to read /proc/cpuinfo this early.
    public static func override(detected: String, avx512: @autoclosure () -> Bool, avx2: @autoclosure () -> Bool) -> String? {
        guard preAVX.contains(detected.lowercased()) else { return nil }
        if avx512() { return "SkylakeX" }
        if avx2() { return "Haswell" }
        return nil
    }

    /// The override for this process's CPU and loaded OpenBLAS, or nil when there is nothing to
    /// mend or the user already chose (OPENBLAS_CORETYPE set) or opted out (LATENT_BLAS_CORE=keep).
    public static func overrideForThisProcess(environment: [String: String]) -> String? {
        guard environment[variable] == nil, environment["LATENT_BLAS_CORE"] != "keep" else { return nil }
        return override(detected: BLAS.openBLASCoreName, avx512: CPUFeatures.avx512, avx2: CPUFeatures.avx2)
    }
}

// swift-tools-version:6.0
// latent: adaptive latent reasoning on the CPU. Modules and their one-way dependencies:
//
//   Support                                            (no dependencies: SplitMix64, JSONValue, Ctrl-C)
//   COpenBLAS, CPUKernels, CPUKernelsAVX2 ← TensorCore ← Models ← Training   (the engine; Datasets feeds Models/Training)
//   Plot; Lang, Datasets                               (Lang and Datasets: Support and HostMemory only)
//   ModelFiles ← TensorCore, Models, Datasets        (safetensors, checkpoints: everything that parses model files)
//   HostMemory                                          (how much memory is left; no dependencies)
//   LangBindings ← Lang, Datasets, Models, ModelFiles, Training, Plot, Support (the only bridge from language to engine)
//   Kernel ← Lang (+ swift-crypto);  KernelZMQ ← Kernel, CZeroMQ;  REPL ← Lang, CEdit  (each + Support)
//   latent (CLI) ← everything: the one place where it is all wired together.
import PackageDescription

let package = Package(
    name: "latent",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "latent", targets: ["CLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // MARK: - System libraries (Debian packages, found through pkg-config)
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),

        // MARK: - Support (no dependencies)
        .target(name: "Support"),

        // MARK: - Engine
        .target(name: "CPUKernels", swiftSettings: kernelSettings(cpu: "skylake-avx512", define: "LATENT_AVX512")),
        .target(name: "CPUKernelsAVX2", swiftSettings: kernelSettings(cpu: "haswell", define: "LATENT_AVX2")),
        .target(name: "HostMemory"),
        .target(name: "TensorCore", dependencies: ["Support", "COpenBLAS", "CPUKernels", "CPUKernelsAVX2"], swiftSettings: engineSettings),
        .target(name: "Datasets", dependencies: ["Support", "HostMemory"]),
        .target(name: "Models", dependencies: ["Support", "TensorCore", "Datasets", "HostMemory"], swiftSettings: engineSettings),
        // Parses files a user may have been handed: always compiled with overflow and bounds checks.
        .target(name: "ModelFiles", dependencies: ["Support", "TensorCore", "Models", "Datasets", "HostMemory",
                                                   .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: checkedEngineSettings),
        .target(name: "Training", dependencies: ["Support", "TensorCore", "Models", "Datasets"], swiftSettings: engineSettings),

        // MARK: - Pictures and language
        .target(name: "Plot"),
        .target(name: "Lang", dependencies: ["Support", "HostMemory"]),
        .target(name: "LangBindings", dependencies: ["Support", "Lang", "Datasets", "TensorCore", "Models", "ModelFiles", "Training", "Plot", "HostMemory"]),

        // MARK: - Front ends
        .target(name: "Kernel", dependencies: ["Support", "Lang", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "KernelZMQ", dependencies: ["Support", "Kernel", "CZeroMQ"]),
        .target(name: "REPL", dependencies: ["Support", "Lang", "CEdit"]),
        .executableTarget(
            name: "CLI",
            dependencies: [
                "Support", "TensorCore", "Datasets", "Models", "ModelFiles", "Training", "Plot", "Lang", "LangBindings",
                "Kernel", "KernelZMQ", "REPL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: checkedEngineSettings
        ),

        // MARK: - Tests
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "TensorCoreTests", dependencies: ["Support", "TensorCore", "CPUKernels", "CPUKernelsAVX2"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Support", "Datasets"]),
        .testTarget(name: "HostMemoryTests", dependencies: ["HostMemory"]),
        .testTarget(name: "ModelsTests", dependencies: ["Support", "Models", "ModelFiles", "TensorCore", "Datasets"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["Support", "ModelFiles", "Models", "TensorCore", "Datasets"]),
        .testTarget(name: "TrainingTests", dependencies: ["Support", "Training", "Models", "TensorCore", "Datasets"]),
        .testTarget(name: "PlotTests", dependencies: ["Support", "Plot"], resources: [.copy("Snapshots")]),
        .testTarget(name: "LangTests", dependencies: ["Support", "Lang"], resources: [.copy("Scripts")]),
        .testTarget(name: "LangBindingsTests", dependencies: ["Support", "LangBindings", "Lang"]),
        .testTarget(name: "KernelTests", dependencies: ["Support", "Kernel", "Lang"]),
        .testTarget(name: "REPLTests", dependencies: ["Support", "REPL", "Lang"]),
    ]
)

/// Numeric code is compiled with bounds checks off in release builds: the kernels index raw
/// buffers in tight loops, and their shapes are checked once at the op boundary instead.
/// LATENT_CHECKED=1 compiles it with checks on (-O), to measure what they cost (BENCHMARKS.md).
/// On x86-64 the kernels are also compiled for AVX2 + FMA (every x86-64 CPU since 2013); set
/// LATENT_PORTABLE=1 when building for an older CPU.
var engineSettings: [SwiftSetting] {
    settings(checked: Context.environment["LATENT_CHECKED"] == "1")
}

/// The engine's settings with overflow and bounds checks kept: for code that parses input
/// (ModelFiles) or only wires things together (the CLI), where a check costs nothing that matters.
var checkedEngineSettings: [SwiftSetting] { settings(checked: true) }

func settings(checked: Bool) -> [SwiftSetting] {
    var flags = [checked ? "-O" : "-Ounchecked", "-wmo"]
    #if arch(x86_64)
    if Context.environment["LATENT_PORTABLE"] != "1" {
        flags += ["-target-cpu", "haswell"]
    }
    #endif
    return [.unsafeFlags(flags, .when(configuration: .release))]
}

/// Settings of a kernel module compiled for one CPU (`-target-cpu cpu`, and `define` set for
/// its sources) in both configurations, so that `swift test` runs the kernels the release build
/// runs; LATENT_PORTABLE=1 builds it for the baseline instead (then tests only use it).
/// TensorCore calls a kernel only after checking at run time that the CPU has its instructions
/// (`CPUFeatures`), and OpenBLAS otherwise.
/// - CPUKernels: AVX-512 (skylake-avx512: F, CD, BW, DQ, VL).
/// - CPUKernelsAVX2: the decoding kernel for CPUs with AVX2 and FMA but no AVX-512 (haswell).
func kernelSettings(cpu: String, define: String) -> [SwiftSetting] {
    var release = [Context.environment["LATENT_CHECKED"] == "1" ? "-O" : "-Ounchecked", "-wmo"], debug = ["-O"]
    #if arch(x86_64)
    if Context.environment["LATENT_PORTABLE"] != "1" {
        let target = ["-target-cpu", cpu, "-D", define]
        release += target
        debug += target
    }
    #endif
    return [.unsafeFlags(release, .when(configuration: .release)),
            .unsafeFlags(debug, .when(configuration: .debug))]
}

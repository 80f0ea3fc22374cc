// Re-executes the tool with OPENBLAS_CORETYPE set when the loaded OpenBLAS did not recognise
// the CPU (TensorCore/OpenBLASCore.swift says why and when). Runs first thing in `main`,
// before any thread, file or socket exists, so the new image starts exactly as this one did:
// same process id (Jupyter's kernel manager keeps its handle), same arguments, same
// environment plus the one variable, which also stops a second re-execution.

import Foundation
import TensorCore

enum OpenBLASRetune {
    static func reexecIfMisdetected() {
        #if os(Linux)
        guard let core = OpenBLASCore.overrideForThisProcess(environment: ProcessInfo.processInfo.environment) else { return }
        setenv(OpenBLASCore.variable, core, 1)
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        // Still here: the exec failed. Carry on with OpenBLAS's own choice (slower, still right).
        unsetenv(OpenBLASCore.variable)
        for p in argv { free(p) }
        #endif
    }
}

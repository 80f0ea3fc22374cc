// The language plug-in the kernel drives (xeus's `xinterpreter`): no sockets, no messages.

import Lang

/// What the kernel needs from a language session. `Lang.Session` conforms; tests may use
/// any other implementation. Every method except `interruptHandle`'s function is called
/// from the kernel's shell thread only.
public protocol KernelInterpreter: AnyObject {
    /// Runs a cell; output goes out through `host` as it happens.
    func execute(_ code: String, host: any ExecutionHost) -> ExecutionOutcome
    /// Completion candidates at `cursor` (Unicode scalars).
    func complete(_ code: String, cursor: Int) -> Completion
    /// Documentation for the name at `cursor`; nil when nothing is known about it.
    func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle?
    /// Whether the code can run as it is.
    func isComplete(_ code: String) -> Completeness
    /// A function that asks the running `execute` to stop soon. Called from any thread
    /// (signal watcher, control thread).
    var interruptHandle: @Sendable () -> Void { get }
}

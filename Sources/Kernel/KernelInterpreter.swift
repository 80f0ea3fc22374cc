// The language plug-in the kernel drives (xeus's `xinterpreter`): no sockets, no messages.

import Lang

/// What the kernel needs from a language session. `Lang.Session` conforms; tests may use
/// any other implementation. Every method is called from the kernel's shell thread only;
/// `interruption` is touched from any thread.
public protocol KernelInterpreter: AnyObject {
    /// Runs a cell; output goes out through `host` as it happens.
    func execute(_ code: String, host: any ExecutionHost) -> ExecutionOutcome
    /// Completion candidates at `cursor` (Unicode scalars).
    func complete(_ code: String, cursor: Int) -> Completion
    /// Documentation for the name at `cursor`; nil when nothing is known about it.
    func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle?
    /// Whether the code can run as it is.
    func isComplete(_ code: String) -> Completeness
    /// The flag `execute` polls and clears when it starts (unless held): the kernel requests
    /// interrupts through it from any thread (signal watcher, control thread).
    var interruption: Interruption { get }
}

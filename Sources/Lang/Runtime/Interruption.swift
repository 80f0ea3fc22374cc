// The one piece of a session that other threads touch: the interrupt flag.

#if os(Linux)
import Synchronization
#else
import Foundation
#endif

/// A thread-safe interrupt request flag. The front end calls `request()` from any thread (a
/// signal-handling thread, the kernel's control channel); the interpreter polls `isRequested` at
/// every loop iteration and call, builtins between optimizer steps. On Linux it is one atomic
/// load, cheap enough to poll in the tightest loop.
public final class Interruption: @unchecked Sendable {
    #if os(Linux)
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// Asks the running code to stop as soon as it can.
    public func request() { flag.store(true, ordering: .releasing) }

    /// Whether an interrupt was requested and not yet reset.
    public var isRequested: Bool { flag.load(ordering: .acquiring) }

    /// Clears the request (the session does this when an execution starts).
    public func reset() { flag.store(false, ordering: .releasing) }
    #else
    private let lock = NSLock()
    private var requested = false

    public init() {}

    /// Asks the running code to stop as soon as it can.
    public func request() {
        lock.lock()
        requested = true
        lock.unlock()
    }

    /// Whether an interrupt was requested and not yet reset.
    public var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }

    /// Clears the request (the session does this when an execution starts).
    public func reset() {
        lock.lock()
        requested = false
        lock.unlock()
    }
    #endif

    /// Throws `Interrupted` when an interrupt was requested.
    public func check() throws {
        if isRequested { throw RuntimeError.interrupted }
    }
}

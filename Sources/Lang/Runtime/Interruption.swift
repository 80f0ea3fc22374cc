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
///
/// An execution clears the flag when it starts (`reset()`), so a stray request never stops the
/// next cell. A front end that cannot tell whether the execution it interrupts has already
/// started (the kernel marks a cell as running just before `execute` is called) uses
/// `requestAndHold()`: that request survives the start, until the front end calls `release()`
/// when the execution is over.
public final class Interruption: @unchecked Sendable {
    private static let requestedBit: UInt8 = 1
    private static let heldBit: UInt8 = 2

    #if os(Linux)
    private let state = Atomic<UInt8>(0)

    public init() {}

    private func update(_ change: (UInt8) -> UInt8) {
        var old = state.load(ordering: .acquiring)
        while true {
            let (exchanged, current) = state.compareExchange(
                expected: old, desired: change(old), successOrdering: .acquiringAndReleasing, failureOrdering: .acquiring)
            if exchanged { return }
            old = current
        }
    }

    /// Whether an interrupt was requested and not yet reset.
    public var isRequested: Bool { state.load(ordering: .acquiring) & Self.requestedBit != 0 }
    #else
    private let lock = NSLock()
    private var bits: UInt8 = 0

    public init() {}

    private func update(_ change: (UInt8) -> UInt8) {
        lock.lock()
        bits = change(bits)
        lock.unlock()
    }

    /// Whether an interrupt was requested and not yet reset.
    public var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return bits & Self.requestedBit != 0
    }
    #endif

    /// Asks the running code to stop as soon as it can.
    public func request() { update { $0 | Self.requestedBit } }

    /// Asks the running code to stop, and also an execution that starts before `release()`.
    public func requestAndHold() { update { _ in Self.requestedBit | Self.heldBit } }

    /// Ends what `requestAndHold()` held (the interrupted execution is over).
    public func release() { update { $0 & ~Self.heldBit } }

    /// Clears the request unless it is held (the session does this when an execution starts).
    public func reset() { update { $0 & Self.heldBit != 0 ? $0 : 0 } }

    /// Throws `Interrupted` when an interrupt was requested.
    public func check() throws {
        if isRequested { throw RuntimeError.interrupted }
    }
}

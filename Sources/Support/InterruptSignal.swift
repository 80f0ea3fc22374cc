// Ctrl-C, for every front end (the REPL, the Jupyter kernel, the CLI's training commands). A
// POSIX signal handler can reach nothing but globals, so this file holds the project's one
// global: an atomic count of SIGINTs. The handler only increments it (async-signal-safe);
// everything else reads it, directly (the REPL's prompt) or through an `InterruptWatcher`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// How many SIGINTs arrived since the handler was installed.
private let interruptCount = Atomic<Int>(0)

/// Installs and reads the SIGINT counter.
public enum InterruptSignal {
    /// Installs the handler. `restartingCalls: false` (the REPL's) leaves out `SA_RESTART`, so a
    /// blocking `read` at the prompt returns `EINTR`; the kernel's threads want their calls
    /// restarted. Idempotent.
    public static func install(restartingCalls: Bool = false) {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in interruptCount.add(1, ordering: .relaxed) }
        #else
        action.__sigaction_u.__sa_handler = { _ in interruptCount.add(1, ordering: .relaxed) }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = restartingCalls ? Int32(SA_RESTART) : 0
        sigaction(SIGINT, &action, nil)
    }

    /// The number of SIGINTs so far; compare two readings to see whether Ctrl-C was pressed.
    public static var count: Int { interruptCount.load(ordering: .relaxed) }

    /// Counts one interrupt as if Ctrl-C was pressed (for tests and other front ends).
    public static func simulate() {
        interruptCount.add(1, ordering: .relaxed)
    }
}

/// While alive, checks the interrupt count every `interval` milliseconds on a background queue
/// and, whenever it has changed since the last check, calls `handler` with the number of
/// presses since the watcher started.
public final class InterruptWatcher: @unchecked Sendable {
    private let timer: DispatchSourceTimer
    /// The count at the last check (read and written on the timer's queue only).
    private final class Seen: Sendable {
        let count: Atomic<Int>
        init(_ count: Int) { self.count = Atomic(count) }
    }

    /// Starts watching; the interrupt count at this moment is the baseline.
    public init(interval milliseconds: Int = 20, _ handler: @escaping @Sendable (_ presses: Int) -> Void) {
        let baseline = InterruptSignal.count
        let seen = Seen(baseline)
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .userInteractive))
        timer.schedule(deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(milliseconds))
        timer.setEventHandler {
            let now = InterruptSignal.count
            if seen.count.exchange(now, ordering: .relaxed) != now { handler(now - baseline) }
        }
        timer.resume()
    }

    /// Stops watching.
    public func stop() {
        timer.cancel()
    }

    deinit {
        timer.cancel()
    }
}

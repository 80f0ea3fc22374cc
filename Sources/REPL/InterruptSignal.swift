// Ctrl-C. A POSIX signal handler can reach nothing but globals, so this file holds the module's
// one global: an atomic count of SIGINTs. The handler only increments it (async-signal-safe);
// everything else reads it. While a command runs, a watcher turns a new count into
// `Interruption.request()`; at the prompt, the line reader sees the count change and clears the
// line.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Lang
import Synchronization

/// How many SIGINTs arrived since the handler was installed.
private let interruptCount = Atomic<Int>(0)

/// Installs and reads the SIGINT counter.
public enum InterruptSignal {
    /// Installs the handler, without `SA_RESTART` so a blocking `read` at the prompt returns
    /// `EINTR`. Idempotent.
    public static func install() {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in interruptCount.add(1, ordering: .relaxed) }
        #else
        action.__sigaction_u.__sa_handler = { _ in interruptCount.add(1, ordering: .relaxed) }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// The number of SIGINTs so far; compare two readings to see whether Ctrl-C was pressed.
    public static var count: Int { interruptCount.load(ordering: .relaxed) }

    /// Counts one interrupt as if Ctrl-C was pressed (for tests and other front ends).
    public static func simulate() {
        interruptCount.add(1, ordering: .relaxed)
    }
}

/// While alive, turns Ctrl-C into `interruption.request()` (checked every 20 ms; the language
/// stops within a second of the request).
public final class InterruptWatcher {
    private let timer: DispatchSourceTimer

    /// Starts watching; the interrupt count at this moment is the baseline.
    public init(_ interruption: Interruption) {
        let baseline = InterruptSignal.count
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .userInteractive))
        timer.schedule(deadline: .now() + .milliseconds(20), repeating: .milliseconds(20))
        timer.setEventHandler {
            if InterruptSignal.count != baseline { interruption.request() }
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

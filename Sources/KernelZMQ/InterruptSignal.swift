// SIGINT → interrupt the running cell. jupyter_client sends SIGINT before every shutdown
// (and for interrupts when a kernelspec uses signal mode); the kernel must survive it.

import Foundation
import Glibc

/// Routes SIGINT to a handler on an ordinary thread. The signal handler itself only posts
/// a semaphore (async-signal-safe); a watcher thread waits on it and runs the handler.
enum InterruptSignal {
    /// Process-wide by nature: a signal handler cannot capture context.
    nonisolated(unsafe) private static let semaphore: UnsafeMutablePointer<sem_t> = {
        let pointer = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
        sem_init(pointer, 0, 0)
        return pointer
    }()

    /// Installs the SIGINT handler; `handler` runs on a dedicated thread for each SIGINT.
    static func install(_ handler: @escaping @Sendable () -> Void) {
        let watcher = Thread {
            while true {
                if sem_wait(InterruptSignal.semaphore) == 0 { handler() }
            }
        }
        watcher.name = "latent-sigint"
        watcher.start()
        _ = signal(SIGINT) { _ in
            sem_post(InterruptSignal.semaphore)
        }
    }
}

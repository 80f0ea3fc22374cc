// A named thread that can be waited for with a timeout, and a shared stop flag.

import Dispatch
import Foundation
import Synchronization

/// A stop flag shared by the server's threads.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    func set() { flag.store(true, ordering: .releasing) }
}

/// Runs a body on its own thread; `wait(seconds:)` reports whether it has finished.
final class ServiceThread {
    private let finished = DispatchSemaphore(value: 0)
    private let thread: Thread

    init(name: String, stackSize: Int? = nil, body: @escaping @Sendable () -> Void) {
        let finished = self.finished
        thread = Thread {
            body()
            finished.signal()
        }
        thread.name = name
        if let stackSize { thread.stackSize = stackSize }
    }

    func start() { thread.start() }

    /// Waits up to `seconds` for the body to return; true when it has.
    func wait(seconds: Double) -> Bool {
        finished.wait(timeout: .now() + seconds) == .success
    }
}

/// A semaphore that may be signalled from any thread (the shutdown notification).
final class DispatchSemaphoreBox: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    func signal() { semaphore.signal() }

    /// Waits up to `seconds`; true when signalled.
    func wait(seconds: Double) -> Bool { semaphore.wait(timeout: .now() + seconds) == .success }
}

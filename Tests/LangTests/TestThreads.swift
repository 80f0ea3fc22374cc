// Running test code on a thread whose stack size the test chooses.

import Foundation

/// Runs `body` on a new thread with `stackSize` bytes of stack and waits for it.
func onThread(stackSize: Int, _ body: @escaping @Sendable () -> Void) {
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        body()
        done.signal()
    }
    thread.stackSize = stackSize
    thread.start()
    done.wait()
}

/// Runs `body` on a thread with a 64 MB stack.
func onLargeStack(_ body: @escaping @Sendable () -> Void) {
    onThread(stackSize: 64 << 20, body)
}

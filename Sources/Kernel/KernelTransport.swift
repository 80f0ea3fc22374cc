// The kernel core's view of the sockets (xeus's `xserver`): frames in, frames out.

/// Moves frames between the kernel core and its clients. The ZeroMQ server implements it
/// over sockets; `InMemoryTransport` over queues for tests.
///
/// Threading contract: `send(_:on: .shell)`, `pendingShellFrames()`, `send(_:on: .stdin)`
/// and `receiveStdin(until:)` are called from the shell (executing) thread only;
/// `send(_:on: .control)` from the control thread only; `publish` from any thread.
public protocol KernelTransport: AnyObject, Sendable {
    /// Sends a message on a ROUTER channel (shell, control or stdin); the frames start with
    /// the recipient's identities.
    func send(_ frames: [[UInt8]], on channel: Channel)
    /// Broadcasts a message on IOPub (the first frame is the topic). Safe from any thread;
    /// messages from one thread are delivered in the order published.
    func publish(_ frames: [[UInt8]])
    /// A shell message that has already arrived, without waiting; nil when there is none.
    /// Used to abort queued execute requests after an error (`stop_on_error`).
    func pendingShellFrames() -> [[UInt8]]?
    /// Waits for the next message on stdin; returns nil once `shouldStop()` is true (it is
    /// polled at least every 100 ms) or the transport closes.
    func receiveStdin(until shouldStop: () -> Bool) -> [[UInt8]]?
}

// A transport over in-memory queues, for driving `KernelCore` in tests without sockets.

import Synchronization

/// Records everything the kernel sends and serves queued input, like xeus's mock server.
/// Decodes what it records with the same `Framing`, so tests see signed, parsed messages.
public final class InMemoryTransport: KernelTransport {
    private struct State {
        var sent: [(Channel, [[UInt8]])] = []
        var published: [[[UInt8]]] = []
        var pendingShell: [[[UInt8]]] = []
        var stdinReplies: [[[UInt8]]] = []
    }

    private let state = Mutex(State())
    public let framing: Framing
    /// Called with each `input_request` sent on stdin; returns the frames to deliver back
    /// (e.g. an `input_reply`), or nil to deliver nothing.
    private let answerInput: (@Sendable (Message) -> [[UInt8]]?)?

    public init(framing: Framing, answerInput: (@Sendable (Message) -> [[UInt8]]?)? = nil) {
        self.framing = framing
        self.answerInput = answerInput
    }

    // MARK: KernelTransport

    public func send(_ frames: [[UInt8]], on channel: Channel) {
        state.withLock { $0.sent.append((channel, frames)) }
        if channel == .stdin, let answerInput, let request = try? framing.decode(frames),
           let reply = answerInput(request) {
            state.withLock { $0.stdinReplies.append(reply) }
        }
    }

    public func publish(_ frames: [[UInt8]]) {
        state.withLock { $0.published.append(frames) }
    }

    public func pendingShellFrames() -> [[UInt8]]? {
        state.withLock { $0.pendingShell.isEmpty ? nil : $0.pendingShell.removeFirst() }
    }

    public func receiveStdin(until shouldStop: () -> Bool) -> [[UInt8]]? {
        if shouldStop() { return nil }
        return state.withLock { $0.stdinReplies.isEmpty ? nil : $0.stdinReplies.removeFirst() }
    }

    // MARK: Test access

    /// Queues a shell message as if it had arrived while the kernel was busy.
    public func enqueueShell(_ frames: [[UInt8]]) {
        state.withLock { $0.pendingShell.append(frames) }
    }

    /// Messages sent on one ROUTER channel, decoded, in order.
    public func sent(on channel: Channel) -> [Message] {
        let frames = state.withLock { $0.sent.filter { $0.0 == channel }.map(\.1) }
        return frames.compactMap { try? framing.decode($0) }
    }

    /// Messages published on IOPub, decoded, in order.
    public func published() -> [Message] {
        state.withLock { $0.published }.compactMap { try? framing.decode($0) }
    }

    /// Raw published frame sets (topic first).
    public func publishedFrames() -> [[[UInt8]]] {
        state.withLock { $0.published }
    }

    /// Forgets everything recorded so far.
    public func reset() {
        state.withLock {
            $0.sent.removeAll()
            $0.published.removeAll()
        }
    }
}

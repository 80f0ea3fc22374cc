// The kernel's protocol logic: a request + the interpreter → ordered outgoing messages.
//
// Transport-free (xeus's xkernel_core): frames come in through `handleShell`/`handleControl`,
// go out through a `KernelTransport`. Every request is bracketed by `status: busy` and
// `status: idle` on IOPub; replies go back on the channel the request came from.

import Lang
import Support
import Synchronization

/// Dispatches decoded requests to the interpreter and turns what happens into messages.
///
/// Threads: `handleShell` runs on one thread (it executes cells, so it may block for a long
/// time); `handleControl` runs on another, so interrupt, shutdown and kernel_info are served
/// while a cell runs; `interrupt()` and the IOPub helpers may be called from any thread.
public final class KernelCore: @unchecked Sendable {
    /// What a `shutdown_request` asked for; the server stops when it sees it.
    public struct Shutdown: Sendable, Equatable {
        public var restart: Bool

        public init(restart: Bool) {
            self.restart = restart
        }
    }

    let interpreter: any KernelInterpreter
    let transport: any KernelTransport
    let framing: Framing
    let info: KernelInfo
    let log: KernelLog
    /// This kernel process's session id (headers' `session`).
    public let sessionID = Header.newID()
    private let interruption: Interruption
    private let onShutdown: @Sendable (Shutdown) -> Void

    /// State shared between the shell and control threads.
    struct Shared {
        var executing = false
        var interruptRequested = false
        /// When (seconds since 1970, kernel clock) an interrupt arrived while no cell ran. It
        /// stops the next cell if that cell's request was sent before it: the two travel on
        /// different sockets and threads, so an interrupt sent just after an execute request
        /// may be handled before the cell has started.
        var idleInterrupt: Double?
        var shutdown: Shutdown?
    }
    let shared = Mutex(Shared())

    // Shell-thread state.
    /// The execution counter: incremented for every execute with `store_history`.
    public internal(set) var executionCount = 0
    /// The inputs executed so far.
    public internal(set) var history = History()
    /// Set when a cell failed with `stop_on_error`: execute requests sent before the failure
    /// that arrive late are aborted too (see ``isLateForAbort(_:)``).
    var lastStopOnErrorFailure: Double?
    /// How long after a failure a late request may still be aborted: it bounds the harm of a
    /// client whose clock runs behind the kernel's.
    static let lateAbortWindow: Double = 2

    /// - Parameters:
    ///   - onShutdown: called (on the control or shell thread) after a `shutdown_request`
    ///     has been answered.
    public init(
        interpreter: any KernelInterpreter, transport: any KernelTransport, signer: Signer,
        info: KernelInfo = KernelInfo(), log: KernelLog = .silent,
        onShutdown: @escaping @Sendable (Shutdown) -> Void = { _ in }
    ) {
        self.interpreter = interpreter
        self.transport = transport
        self.framing = Framing(signer: signer, history: SignatureHistory())
        self.info = info
        self.log = log
        self.interruption = interpreter.interruption
        self.onShutdown = onShutdown
    }

    /// The shutdown requested so far, if any.
    public var shutdownRequest: Shutdown? { shared.withLock { $0.shutdown } }

    // MARK: - Entry points

    /// Handles frames received on shell. Malformed or badly signed messages are logged and dropped.
    public func handleShell(_ frames: [[UInt8]]) {
        guard let (message, request) = decode(frames, channel: .shell) else { return }
        dispatchShell(message, request)
    }

    /// Handles frames received on control (kernel_info, shutdown, interrupt).
    public func handleControl(_ frames: [[UInt8]]) {
        guard let (message, request) = decode(frames, channel: .control) else { return }
        publishStatus("busy", parent: message)
        switch request {
        case .kernelInfo:
            reply(to: message, on: .control, content: info.replyContent)
        case .interrupt:
            interrupt()
            reply(to: message, on: .control, content: ["status": "ok"])
        case .shutdown(let restart):
            requestShutdown(restart: restart, replyingTo: message, on: .control)
        default:
            log.problem("ignored \(message.msgType) on control (only kernel_info, interrupt and shutdown are served there)")
        }
        publishStatus("idle", parent: message)
        if let shutdown = shutdownRequest, case .shutdown = request { onShutdown(shutdown) }
    }

    /// Asks the running cell to stop (SIGINT or `interrupt_request`). While idle it is
    /// remembered, and stops only a cell whose request was sent before the interrupt arrived
    /// (see ``cellStarts(sentAt:)``), so a stray interrupt never cancels a later cell.
    public func interrupt() {
        let now = Header.secondsSinceEpoch()
        shared.withLock { state in
            if state.executing {
                state.interruptRequested = true
                // Held: the interpreter may not have cleared its flag for this cell yet.
                interruption.requestAndHold()
            } else {
                state.idleInterrupt = now
            }
        }
    }

    /// Marks a cell as running. An interrupt that arrived while idle, after the cell's request
    /// was sent (`sent`, from its header's date), stops it; any other pending one is dropped.
    func cellStarts(sentAt sent: Double?) {
        shared.withLock { state in
            state.executing = true
            let pending = state.idleInterrupt
            state.idleInterrupt = nil
            state.interruptRequested = false
            if let pending, let sent, sent <= pending {
                state.interruptRequested = true
                interruption.requestAndHold()
            }
        }
    }

    /// Marks the running cell as over; a held interrupt ends with it.
    func cellEnds() {
        shared.withLock { state in
            state.executing = false
            state.interruptRequested = false
            interruption.release()
        }
    }

    /// The `iopub_welcome` a new IOPub subscriber gets (JEP 65), topic = the subscription.
    public func welcomeFrames(subscription: [UInt8]) -> [[UInt8]] {
        let topic = String(decoding: subscription, as: UTF8.self)
        var message = makeMessage("iopub_welcome", parent: nil, content: ["subscription": .string(topic)])
        message.identities = [subscription]
        return framing.encode(message)
    }

    /// `status: starting`, published once when the kernel comes up.
    public func startingFrames() -> [[UInt8]] {
        var message = makeMessage("status", parent: nil, content: ["execution_state": "starting"])
        message.identities = [topic("status")]
        return framing.encode(message)
    }

    // MARK: - Shell dispatch

    func dispatchShell(_ message: Message, _ request: Request) {
        publishStatus("busy", parent: message)
        var followUp: (() -> Void)?
        switch request {
        case .execute(let execute):
            if isLateForAbort(message) {
                replyAborted(message)
            } else {
                followUp = runExecute(execute, message: message)
            }
        case .kernelInfo:
            reply(to: message, on: .shell, content: info.replyContent)
        case .complete(let code, let cursor):
            let completion = interpreter.complete(code, cursor: cursor)
            reply(to: message, on: .shell, content: [
                "status": "ok", "matches": .array(completion.matches.map(JSONValue.string)),
                "cursor_start": .int(completion.cursorStart), "cursor_end": .int(completion.cursorEnd),
                "metadata": .emptyObject,
            ])
        case .inspect(let code, let cursor, let detailLevel):
            let bundle = interpreter.inspect(code, cursor: cursor, detailLevel: detailLevel)
            reply(to: message, on: .shell, content: [
                "status": "ok", "found": .bool(bundle != nil),
                "data": bundle.map { .strings($0.asDictionary()) } ?? .emptyObject, "metadata": .emptyObject,
            ])
        case .isComplete(let code):
            reply(to: message, on: .shell, content: Self.isCompleteContent(interpreter.isComplete(code)))
        case .history(let query):
            reply(to: message, on: .shell, content: ["status": "ok", "history": .array(history.rows(for: query))])
        case .commInfo:
            reply(to: message, on: .shell, content: ["status": "ok", "comms": .emptyObject])
        case .commOpen(let commID, let targetName):
            // No comm targets exist: close it at once, as the spec asks for unknown targets.
            log.problem("comm_open for unknown target '\(targetName)'; closing it")
            publish("comm_close", parent: message, content: ["comm_id": .string(commID), "data": .emptyObject])
        case .shutdown(let restart):
            requestShutdown(restart: restart, replyingTo: message, on: .shell)
            followUp = { [self] in if let shutdown = shutdownRequest { onShutdown(shutdown) } }
        case .interrupt:
            interrupt()
            reply(to: message, on: .shell, content: ["status": "ok"])
        case .inputReply:
            log.problem("input_reply arrived on shell, not stdin; ignored")
        case .unknown(let type):
            log.problem("ignored unknown message type '\(type)' on shell")
        }
        publishStatus("idle", parent: message)
        followUp?()
    }

    static func isCompleteContent(_ completeness: Completeness) -> JSONValue {
        switch completeness {
        case .complete: ["status": "complete"]
        case .incomplete(let indent): ["status": "incomplete", "indent": .string(indent)]
        case .invalid: ["status": "invalid"]
        }
    }

    private func requestShutdown(restart: Bool, replyingTo message: Message, on channel: Channel) {
        shared.withLock { $0.shutdown = Shutdown(restart: restart) }
        // A running cell must end so the shell thread can stop.
        interrupt()
        reply(to: message, on: channel, content: ["status": "ok", "restart": .bool(restart)])
    }

    // MARK: - Messages

    /// Decodes frames into a message and its request; logs and returns nil when malformed.
    func decode(_ frames: [[UInt8]], channel: Channel) -> (Message, Request)? {
        do {
            let message = try framing.decode(frames)
            log.traffic?("<- \(channel.rawValue) \(message.msgType) \(message.header.msgID)")
            return (message, try Request(message))
        } catch {
            log.problem("dropped a message on \(channel.rawValue): \(error)")
            return nil
        }
    }

    func makeMessage(_ type: String, parent: Message?, content: JSONValue) -> Message {
        Message(
            header: Header(session: sessionID, username: "latent", msgType: type),
            parentHeader: parent?.header.json ?? .emptyObject, content: content)
    }

    /// Sends the reply to `request` on a ROUTER channel, addressed to its identities.
    func reply(to request: Message, on channel: Channel, content: JSONValue) {
        var message = makeMessage(Request.replyType(for: request.msgType), parent: request, content: content)
        message.identities = request.identities
        log.traffic?("-> \(channel.rawValue) \(message.msgType) parent=\(request.header.msgID)")
        transport.send(framing.encode(message), on: channel)
    }

    func topic(_ type: String) -> [UInt8] {
        Array("kernel.\(sessionID).\(type)".utf8)
    }

    /// Publishes a message on IOPub with `parent` as its parent header.
    func publish(_ type: String, parent: Message?, content: JSONValue) {
        var message = makeMessage(type, parent: parent, content: content)
        message.identities = [topic(type)]
        log.traffic?("-> iopub \(type)")
        transport.publish(framing.encode(message))
    }

    func publishStatus(_ state: String, parent: Message) {
        publish("status", parent: parent, content: ["execution_state": .string(state)])
    }
}

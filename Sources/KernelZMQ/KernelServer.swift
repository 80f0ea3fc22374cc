// The ZeroMQ kernel server: five sockets bound from the connection file, one thread each.
//
// Threads: heartbeat (REP echo); IOPub publisher (owns XPUB, sends welcomes); control
// (kernel_info, interrupt, shutdown — served while a cell runs); shell (dispatch and
// execution, with a large stack for deep recursion); a SIGINT watcher. The calling thread
// waits for a shutdown request (or for its parent process to die), then stops the others.
//
// Every socket refuses frames larger than `maxMessageBytes` (ZMQ_MAXMSGSIZE: libzmq drops the
// connection when a frame's header announces more, before reading it), and the ROUTER
// sockets hand an identity over to its newest connection (ZMQ_ROUTER_HANDOVER): clients made
// by one jupyter_client KernelManager (`km.client()`) share a session id, which they use as
// their socket identity, and a ROUTER otherwise ignores every later peer with the same one.

import CZeroMQ
import Kernel
import Support

/// Serves one interpreter over the Jupyter wire protocol until a client asks it to shut down.
public final class KernelServer {
    private let connection: ConnectionInfo
    private let interpreter: any KernelInterpreter
    private let info: KernelInfo
    private let log: KernelLog
    private let maxMessageBytes: Int
    private let parentWatch: ParentWatch

    /// Stack size of the shell (executing) thread.
    public static let shellStackSize = 64 << 20

    /// The largest frame a client may send, unless configured otherwise: 64 MiB, far above
    /// any cell or comm message and far below what would hurt the kernel.
    public static let defaultMaxMessageBytes = 64 << 20

    /// - Parameters:
    ///   - maxMessageBytes: the largest frame a socket accepts (ZMQ_MAXMSGSIZE); a larger one
    ///     closes the sender's connection before it is read.
    ///   - environment: where `JPY_PARENT_PID` is read (the parent whose death ends the kernel).
    public init(
        connection: ConnectionInfo, interpreter: any KernelInterpreter, info: KernelInfo = KernelInfo(), log: KernelLog,
        maxMessageBytes: Int = KernelServer.defaultMaxMessageBytes, environment: [String: String] = [:]
    ) {
        self.connection = connection
        self.interpreter = interpreter
        self.info = info
        self.log = log
        self.maxMessageBytes = maxMessageBytes
        self.parentWatch = ParentWatch(environment: environment)
    }

    /// Binds every channel, serves until `shutdown_request`, then stops. Returns what the
    /// client asked for (restart or not). Throws when a socket cannot be created or bound.
    @discardableResult
    public func run() throws(ZMQError) -> KernelCore.Shutdown {
        let context = try ZMQContext()
        let handover: (ZMQSocket) throws(ZMQError) -> Void = { socket throws(ZMQError) in
            try socket.setOption(ZMQ_ROUTER_HANDOVER, 1)
        }
        let shell = try makeSocket(context, ZMQ_ROUTER, .shell, configure: handover)
        let control = try makeSocket(context, ZMQ_ROUTER, .control, configure: handover)
        let stdin = try makeSocket(context, ZMQ_ROUTER, .stdin, configure: handover)
        let iopub = try makeSocket(context, ZMQ_XPUB, .iopub) { socket throws(ZMQError) in
            try socket.setOption(ZMQ_XPUB_VERBOSE, 1)
        }
        let heartbeat = try makeSocket(context, ZMQ_REP, .heartbeat)

        let stop = StopFlag()
        let stopRequested = DispatchSemaphoreBox()
        let publisher = try IOPubPublisher(socket: iopub, log: log)
        let transport = ZMQTransport(shell: shell, control: control, stdin: stdin, publisher: publisher, stop: stop, log: log)
        let core = KernelCore(
            interpreter: interpreter, transport: transport, signer: connection.makeSigner(), info: info, log: log,
            onShutdown: { _ in stopRequested.signal() })
        let log = self.log

        let starting = core.startingFrames()
        let publisherStop = StopFlag()
        let publishing = ServiceThread(name: "latent-iopub") {
            publisher.run(stop: publisherStop, welcome: core.welcomeFrames(subscription:), starting: starting)
        }
        let beating = ServiceThread(name: "latent-heartbeat") { Heartbeat.run(socket: heartbeat, stop: stop, log: log) }
        let controlling = ServiceThread(name: "latent-control") {
            Self.serve(control, stop: stop, log: log) { core.handleControl($0) }
            control.close()
        }
        let executing = ServiceThread(name: "latent-shell", stackSize: Self.shellStackSize) {
            Self.serve(shell, stop: stop, log: log) { core.handleShell($0) }
            shell.close()
            stdin.close()
        }
        for thread in [publishing, beating, controlling, executing] { thread.start() }
        // SIGINT interrupts the running cell (jupyter_client sends one before every shutdown,
        // and for interrupts when a kernelspec uses signal mode); the kernel survives it.
        InterruptSignal.install(restartingCalls: true)
        let interrupts = InterruptWatcher { _ in core.interrupt() }
        defer { interrupts.stop() }
        log.traffic?("listening on \(Channel.allCases.map { connection.endpoint(for: $0) }.joined(separator: " "))")
        if !connection.makeSigner().isSigning {
            log.problem("WARNING: the connection file's key is empty, so messages are neither signed nor checked: "
                + "anyone who can reach these ports can run code as this user. Give the kernel a key (jupyter_client "
                + "writes one unless told not to).")
        }

        while !stopRequested.wait(seconds: 0.5) {
            if parentWatch.parentIsGone {
                log.problem("the parent process (pid \(parentWatch.parent ?? 0)) has exited; shutting the kernel down")
                core.interrupt()
                break
            }
        }
        // The shutdown reply and its idle are already queued. Stop the socket loops (the
        // shell thread may still be finishing an interrupted cell), then the publisher, which
        // sends whatever is still queued before it closes IOPub.
        stop.set()
        let loopsDone = executing.wait(seconds: 2) && controlling.wait(seconds: 1) && beating.wait(seconds: 1)
        publisherStop.set()
        let publisherDone = publishing.wait(seconds: 1)
        if loopsDone && publisherDone {
            // Every socket is closed: terminating waits for queued messages (linger).
            context.terminate()
        } else {
            log.problem("a kernel thread did not stop in time; exiting without waiting for it")
        }
        return core.shutdownRequest ?? KernelCore.Shutdown(restart: false)
    }

    private func makeSocket(
        _ context: ZMQContext, _ type: Int32, _ channel: Channel,
        configure: (ZMQSocket) throws(ZMQError) -> Void = { _ in }
    ) throws(ZMQError) -> ZMQSocket {
        let socket = try ZMQSocket(context, type: type)
        try socket.setOption(ZMQ_LINGER, 1000)
        try socket.setOption(ZMQ_MAXMSGSIZE, int64: Int64(maxMessageBytes))
        if connection.transport == .tcp, connection.ip.contains(":") {
            try socket.setOption(ZMQ_IPV6, 1)
        }
        try configure(socket)
        try socket.bind(connection.endpoint(for: channel))
        return socket
    }

    /// Receives on a ROUTER socket until `stop`, handing each message to `handle`.
    private static func serve(_ socket: ZMQSocket, stop: StopFlag, log: KernelLog, handle: ([[UInt8]]) -> Void) {
        while !stop.isSet {
            do {
                guard try ZMQSocket.poll([socket], timeoutMilliseconds: 200)[0] else { continue }
                while let frames = try socket.receive(wait: false) {
                    handle(frames)
                    if stop.isSet { return }
                }
            } catch {
                log.problem("receive failed: \(error)")
                if error.code == ETERM { return }
            }
        }
    }
}

// `KernelTransport` over the kernel's ZeroMQ sockets.

import Kernel

/// Shell, control and stdin ROUTER sockets plus the IOPub publisher. Each ROUTER socket
/// is used only by the thread that serves it (see `KernelTransport`'s threading contract).
final class ZMQTransport: KernelTransport {
    let shell: ZMQSocket
    let control: ZMQSocket
    let stdin: ZMQSocket
    let publisher: IOPubPublisher
    private let log: KernelLog
    private let stop: StopFlag

    init(shell: ZMQSocket, control: ZMQSocket, stdin: ZMQSocket, publisher: IOPubPublisher, stop: StopFlag, log: KernelLog) {
        self.shell = shell
        self.control = control
        self.stdin = stdin
        self.publisher = publisher
        self.stop = stop
        self.log = log
    }

    func send(_ frames: [[UInt8]], on channel: Channel) {
        let socket: ZMQSocket
        switch channel {
        case .shell: socket = shell
        case .control: socket = control
        case .stdin: socket = stdin
        case .iopub:
            publisher.publish(frames)
            return
        case .heartbeat:
            log.problem("nothing is sent on the heartbeat channel but echoes")
            return
        }
        do {
            try socket.send(frames)
        } catch {
            log.problem("send on \(channel.rawValue) failed: \(error)")
        }
    }

    func publish(_ frames: [[UInt8]]) {
        publisher.publish(frames)
    }

    func pendingShellFrames() -> [[UInt8]]? {
        do {
            return try shell.receive(wait: false)
        } catch {
            log.problem("shell read failed: \(error)")
            return nil
        }
    }

    func receiveStdin(until shouldStop: () -> Bool) -> [[UInt8]]? {
        while !shouldStop() && !stop.isSet {
            do {
                guard try ZMQSocket.poll([stdin], timeoutMilliseconds: 100)[0] else { continue }
                if let frames = try stdin.receive(wait: false) { return frames }
            } catch {
                log.problem("stdin read failed: \(error)")
                return nil
            }
        }
        return nil
    }
}

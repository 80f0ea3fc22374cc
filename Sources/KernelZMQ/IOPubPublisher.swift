// The one thread that owns the IOPub XPUB socket.
//
// Other threads hand it signed frame sets through a locked queue and wake it through a
// pipe that zmq_poll watches next to the socket. It answers every subscription with
// `iopub_welcome` (JEP 65; ZMQ_XPUB_VERBOSE so repeated "" subscriptions are reported).

import CZeroMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Kernel
import Synchronization

final class IOPubPublisher: Sendable {
    private let socket: ZMQSocket
    private let queue = Mutex<[[[UInt8]]]>([])
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let log: KernelLog

    init(socket: ZMQSocket, log: KernelLog) throws(ZMQError) {
        self.socket = socket
        self.log = log
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ZMQError("pipe", code: errno) }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    /// Queues frames for IOPub; any thread. Order per thread is kept.
    func publish(_ frames: [[UInt8]]) {
        let wasEmpty = queue.withLock { queue in
            let empty = queue.isEmpty
            queue.append(frames)
            return empty
        }
        // One wake-up byte per empty → non-empty transition keeps the pipe from filling.
        if wasEmpty {
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
    }

    /// The publisher loop: runs until `stop` is set, then sends what is still queued and
    /// closes the socket.
    func run(stop: StopFlag, welcome: @Sendable ([UInt8]) -> [[UInt8]], starting: [[UInt8]]) {
        // Welcome anyone already subscribed before `starting`, so a client's first message
        // is its welcome.
        answerSubscriptions(welcome)
        send(starting)
        while !stop.isSet {
            let ready: [Bool]
            do {
                ready = try ZMQSocket.poll([socket], fds: [wakeRead], timeoutMilliseconds: 200)
            } catch {
                log.problem("iopub poll failed: \(error)")
                break
            }
            if ready[1] { drainQueue() }
            if ready[0] { answerSubscriptions(welcome) }
        }
        drainQueue()
        socket.close()
        close(wakeRead)
        close(wakeWrite)
    }

    private func drainQueue() {
        // Empty the pipe before taking the queue: a byte written after this read belongs to
        // frames that are either in this batch or wake the next poll.
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
        let batch = queue.withLock { queue in
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            return taken
        }
        for frames in batch { send(frames) }
    }

    private func answerSubscriptions(_ welcome: @Sendable ([UInt8]) -> [[UInt8]]) {
        while true {
            let event: [[UInt8]]?
            do {
                event = try socket.receive(wait: false)
            } catch {
                log.problem("iopub subscription read failed: \(error)")
                return
            }
            guard let event, let frame = event.first else { return }
            // 0x01 + topic = subscribe; 0x00 = unsubscribe (ignored).
            guard frame.first == 1 else { continue }
            let topic = Array(frame.dropFirst())
            guard String(validating: topic, as: UTF8.self) != nil else { continue }
            send(welcome(topic))
        }
    }

    private func send(_ frames: [[UInt8]]) {
        do {
            try socket.send(frames)
        } catch {
            log.problem("iopub send failed: \(error)")
        }
    }
}

// A thin wrapper over one libzmq socket: options, bind, multipart send/receive, poll.

import CZeroMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One ZeroMQ socket. libzmq sockets are not thread-safe: each is used by one thread at a
/// time (created and bound on the main thread, then handed to the thread that serves it;
/// starting a thread is the memory barrier libzmq asks for).
final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private var closed = false

    init(_ context: ZMQContext, type: Int32) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, type) else { throw ZMQError("zmq_socket") }
        self.handle = handle
    }

    func setOption(_ option: Int32, _ value: Int32) throws(ZMQError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError("zmq_setsockopt(\(option))")
        }
    }

    func setOption(_ option: Int32, int64 value: Int64) throws(ZMQError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int64>.size) == 0 else {
            throw ZMQError("zmq_setsockopt(\(option))")
        }
    }

    func bind(_ endpoint: String) throws(ZMQError) {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError("bind \(endpoint)") }
    }

    /// Receives one multipart message. With `wait: false`, returns nil when none is waiting.
    /// Retries when a signal interrupts the call.
    func receive(wait: Bool = true) throws(ZMQError) -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        var message = zmq_msg_t()
        while true {
            zmq_msg_init(&message)
            let flags: Int32 = (!wait && frames.isEmpty) ? ZMQ_DONTWAIT : 0
            if zmq_msg_recv(&message, handle, flags) < 0 {
                let code = zmq_errno()
                zmq_msg_close(&message)
                if code == EINTR { continue }
                if code == EAGAIN && frames.isEmpty { return nil }
                throw ZMQError("zmq_msg_recv", code: code)
            }
            let size = zmq_msg_size(&message)
            if size > 0, let data = zmq_msg_data(&message) {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            let more = zmq_msg_more(&message) != 0
            zmq_msg_close(&message)
            if !more { return frames }
        }
    }

    /// Sends a multipart message (blocking as the socket type dictates; ROUTER and XPUB
    /// never block). Retries when a signal interrupts the call.
    func send(_ frames: [[UInt8]]) throws(ZMQError) {
        for (index, frame) in frames.enumerated() {
            let flags: Int32 = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            while true {
                let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if rc >= 0 { break }
                let code = zmq_errno()
                if code == EINTR { continue }
                throw ZMQError("zmq_send", code: code)
            }
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        _ = zmq_close(handle)
    }

    /// Waits until any of `sockets` (or raw file descriptors in `fds`) is readable, or
    /// `timeoutMilliseconds` passes. Returns readability flags, sockets first then fds;
    /// all false on timeout or when a signal interrupted the wait.
    static func poll(_ sockets: [ZMQSocket], fds: [Int32] = [], timeoutMilliseconds: Int) throws(ZMQError) -> [Bool] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        items += fds.map { zmq_pollitem_t(socket: nil, fd: $0, events: Int16(ZMQ_POLLIN), revents: 0) }
        let rc = zmq_poll(&items, Int32(items.count), timeoutMilliseconds)
        if rc < 0 {
            let code = zmq_errno()
            if code == EINTR { return Array(repeating: false, count: items.count) }
            throw ZMQError("zmq_poll", code: code)
        }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }
}

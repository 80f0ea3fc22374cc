// A libzmq context: owns the I/O threads every socket of the kernel shares.

import CZeroMQ

/// A ZeroMQ context. `shutdown()` makes blocking calls on its sockets fail with ETERM;
/// `terminate()` waits (up to each socket's linger) until every socket is closed.
final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() throws(ZMQError) {
        guard let handle = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
        self.handle = handle
    }

    func shutdown() {
        _ = zmq_ctx_shutdown(handle)
    }

    func terminate() {
        while zmq_ctx_term(handle) != 0, zmq_errno() == EINTR {}
    }
}

// Errors from libzmq calls.

import CZeroMQ

/// A failed libzmq call: which operation, and libzmq's own words for the errno.
public struct ZMQError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var code: Int32
    public var message: String

    /// The error libzmq reports for the last failed call on this thread.
    init(_ operation: String, code: Int32 = zmq_errno()) {
        self.operation = operation
        self.code = code
        self.message = String(cString: zmq_strerror(code))
    }

    public var description: String { "\(operation): \(message)" }
}

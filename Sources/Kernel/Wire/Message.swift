// One Jupyter message, independent of how it travels.

import Support

/// A decoded (or to-be-encoded) Jupyter message: routing identities, the four dicts and any
/// binary buffers.
public struct Message: Sendable, Equatable {
    /// ROUTER identities (replies copy them back); on IOPub the single topic frame.
    public var identities: [[UInt8]]
    public var header: Header
    /// The header of the request this message answers, `{}` when none.
    public var parentHeader: JSONValue
    public var metadata: JSONValue
    public var content: JSONValue
    /// Raw frames after the content (comms, widgets); not covered by the signature.
    public var buffers: [[UInt8]]

    public init(
        identities: [[UInt8]] = [], header: Header, parentHeader: JSONValue = .emptyObject,
        metadata: JSONValue = .emptyObject, content: JSONValue = .emptyObject, buffers: [[UInt8]] = []
    ) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    /// The message type, e.g. `execute_request`.
    public var msgType: String { header.msgType }

    /// `parent_header.msg_id`, if any.
    public var parentID: String? { parentHeader["msg_id"]?.stringValue }
}

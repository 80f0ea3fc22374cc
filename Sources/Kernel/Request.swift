// Requests decoded once from `msg_type` + content at the boundary; dispatch switches on this.

import Support

/// The content of an `execute_request`, with the spec's defaults for missing fields.
public struct ExecuteRequest: Sendable, Equatable {
    public var code: String
    /// No output on IOPub, no result, no history, no execution count increment.
    public var silent: Bool
    public var storeHistory: Bool
    /// Name → expression, each evaluated after the code; answered in the reply.
    public var userExpressions: [String: String]
    /// Whether `input()` may send `input_request` on stdin.
    public var allowStdin: Bool
    /// Whether an error aborts the execute requests already queued behind this one.
    public var stopOnError: Bool

    public init(
        code: String, silent: Bool = false, storeHistory: Bool = true,
        userExpressions: [String: String] = [:], allowStdin: Bool = true, stopOnError: Bool = true
    ) {
        self.code = code
        self.silent = silent
        self.storeHistory = storeHistory && !silent
        self.userExpressions = userExpressions
        self.allowStdin = allowStdin
        self.stopOnError = stopOnError
    }
}

/// A `history_request`: which entries, and whether outputs are included.
public struct HistoryQuery: Sendable, Equatable {
    public enum Access: Sendable, Equatable {
        /// The last `n` entries.
        case tail(n: Int)
        /// Lines `start..<stop` (stop nil: to the end) of a session (0 or 1: this process).
        case range(session: Int, start: Int, stop: Int?)
        /// Entries whose input matches a glob pattern (`*`, `?`, `[...]`), the last `n`
        /// of them (all when nil), each distinct input once when `unique`.
        case search(pattern: String, n: Int?, unique: Bool)
    }

    public var access: Access
    /// Include each entry's output (`[input, output]` instead of `input`).
    public var output: Bool

    public init(access: Access, output: Bool = false) {
        self.access = access
        self.output = output
    }
}

/// Every request the kernel understands, decoded once from `msg_type` and content.
public enum Request: Sendable, Equatable {
    case execute(ExecuteRequest)
    case kernelInfo
    case complete(code: String, cursor: Int)
    case inspect(code: String, cursor: Int, detailLevel: Int)
    case isComplete(code: String)
    case history(HistoryQuery)
    case commInfo(targetName: String?)
    case commOpen(commID: String, targetName: String)
    case shutdown(restart: Bool)
    case interrupt
    case inputReply(value: String)
    /// Any other `msg_type` (logged and ignored).
    case unknown(msgType: String)

    /// Decodes a message. Missing optional fields take the spec's defaults; a missing or
    /// mistyped required field (such as `code`) throws `.malformedMessage`.
    public init(_ message: Message) throws(KernelError) {
        let content = message.content
        let type = message.msgType

        func string(_ key: String) throws(KernelError) -> String {
            guard let value = content[key]?.stringValue else {
                throw .malformedMessage("\(type) content lacks a string '\(key)'")
            }
            return value
        }
        func bool(_ key: String, _ fallback: Bool) -> Bool { content[key]?.boolValue ?? fallback }
        func int(_ key: String) -> Int? { content[key]?.intValue }

        switch type {
        case "execute_request":
            var expressions: [String: String] = [:]
            for (name, value) in content["user_expressions"]?.objectValue ?? [:] {
                if let expression = value.stringValue { expressions[name] = expression }
            }
            self = .execute(ExecuteRequest(
                code: try string("code"), silent: bool("silent", false),
                storeHistory: bool("store_history", true), userExpressions: expressions,
                allowStdin: bool("allow_stdin", true), stopOnError: bool("stop_on_error", true)))
        case "kernel_info_request":
            self = .kernelInfo
        case "complete_request":
            let code = try string("code")
            self = .complete(code: code, cursor: Self.cursor(int("cursor_pos"), in: code))
        case "inspect_request":
            let code = try string("code")
            self = .inspect(
                code: code, cursor: Self.cursor(int("cursor_pos"), in: code),
                detailLevel: int("detail_level") == 1 ? 1 : 0)
        case "is_complete_request":
            self = .isComplete(code: try string("code"))
        case "history_request":
            self = .history(HistoryQuery(access: Self.historyAccess(content), output: bool("output", false)))
        case "comm_info_request":
            self = .commInfo(targetName: content["target_name"]?.stringValue)
        case "comm_open":
            self = .commOpen(commID: try string("comm_id"), targetName: content["target_name"]?.stringValue ?? "")
        case "shutdown_request":
            self = .shutdown(restart: bool("restart", false))
        case "interrupt_request":
            self = .interrupt
        case "input_reply":
            self = .inputReply(value: try string("value"))
        default:
            self = .unknown(msgType: type)
        }
    }

    /// The reply's `msg_type` for a request type (`execute_request` → `execute_reply`).
    public static func replyType(for requestType: String) -> String {
        requestType.hasSuffix("_request") ? String(requestType.dropLast(8)) + "_reply" : requestType + "_reply"
    }

    /// A cursor clamped into the code (Unicode scalars); missing means the end.
    private static func cursor(_ position: Int?, in code: String) -> Int {
        let length = code.unicodeScalars.count
        guard let position else { return length }
        return min(max(position, 0), length)
    }

    private static func historyAccess(_ content: JSONValue) -> HistoryQuery.Access {
        let n = content["n"]?.intValue
        switch content["hist_access_type"]?.stringValue ?? "range" {
        case "tail":
            return .tail(n: max(n ?? 10, 0))
        case "search":
            return .search(
                pattern: content["pattern"]?.stringValue ?? "*", n: n.map { max($0, 0) },
                unique: content["unique"]?.boolValue ?? false)
        default:
            return .range(
                session: content["session"]?.intValue ?? 0, start: content["start"]?.intValue ?? 0,
                stop: content["stop"]?.intValue)
        }
    }
}

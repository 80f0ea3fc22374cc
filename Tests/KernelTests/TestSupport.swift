import Kernel
import Lang
import Support
import Synchronization

/// Builds signed request frames the way a jupyter_client would.
struct TestClient {
    static let key = Array("test-key".utf8)
    let framing = Framing(signer: Signer(key: TestClient.key))
    var identity: [UInt8] = Array("client-1".utf8)

    func request(_ type: String, _ content: JSONValue = .emptyObject) -> (id: String, frames: [[UInt8]]) {
        let header = Header(session: "client-session", username: "tester", msgType: type)
        let message = Message(identities: [identity], header: header, content: content)
        return (header.msgID, framing.encode(message))
    }

    func execute(_ code: String, silent: Bool = false, storeHistory: Bool = true, allowStdin: Bool = false,
                 stopOnError: Bool = true, userExpressions: JSONValue = .emptyObject) -> (id: String, frames: [[UInt8]]) {
        request("execute_request", [
            "code": .string(code), "silent": .bool(silent), "store_history": .bool(storeHistory),
            "allow_stdin": .bool(allowStdin), "stop_on_error": .bool(stopOnError), "user_expressions": userExpressions,
        ])
    }
}

/// A kernel core wired to an in-memory transport, plus the client that talks to it.
struct Harness {
    let transport: InMemoryTransport
    let core: KernelCore
    let client = TestClient()
    let problems: LogLines
    let shutdowns: LogLines

    init(interpreter: any KernelInterpreter, answerInput: (@Sendable (Message) -> [[UInt8]]?)? = nil) {
        let problems = LogLines()
        let shutdowns = LogLines()
        self.problems = problems
        self.shutdowns = shutdowns
        transport = InMemoryTransport(framing: Framing(signer: Signer(key: TestClient.key)), answerInput: answerInput)
        core = KernelCore(
            interpreter: interpreter, transport: transport, signer: Signer(key: TestClient.key),
            log: KernelLog(problem: { problems.append($0) }),
            onShutdown: { shutdowns.append("restart=\($0.restart)") })
    }

    /// IOPub messages whose parent is `id`, as (msg_type, content).
    func iopub(for id: String) -> [(String, JSONValue)] {
        transport.published().filter { $0.parentID == id }.map { ($0.msgType, $0.content) }
    }

    func iopubTypes(for id: String) -> [String] { iopub(for: id).map(\.0) }

    func reply(to id: String, on channel: Channel = .shell) -> Message? {
        transport.sent(on: channel).first { $0.parentID == id }
    }
}

/// Thread-safe list of log lines.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

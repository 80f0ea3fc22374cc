// The `ExecutionHost` a cell runs against: output events become IOPub messages at once.

import Lang
import Support
import Synchronization

/// Maps the interpreter's output events to IOPub messages as they happen, collects `page`
/// payloads for the reply, and serves `input()` over stdin.
final class KernelExecutionHost: ExecutionHost {
    private unowned let core: KernelCore
    /// The execute request (parent of everything published); nil for user expressions.
    private let request: Message?
    private let silent: Bool
    private let allowStdin: Bool
    private let collected = Mutex<[JSONValue]>([])

    init(core: KernelCore, request: Message?, silent: Bool, allowStdin: Bool) {
        self.core = core
        self.request = request
        self.silent = silent
        self.allowStdin = allowStdin
    }

    /// The `page` payloads for `execute_reply`.
    var payloads: [JSONValue] { collected.withLock { $0 } }

    func emit(_ event: OutputEvent) {
        if case .page(let text) = event {
            collected.withLock {
                $0.append(["source": "page", "data": ["text/plain": .string(text)], "start": 0])
            }
            return
        }
        guard !silent, let request else { return }
        switch event {
        case .stream(let name, let text):
            guard !text.isEmpty else { return }
            core.publish("stream", parent: request, content: ["name": .string(name.rawValue), "text": .string(text)])
        case .display(let bundle, let id):
            var content: [String: JSONValue] = ["data": .strings(bundle.asDictionary()), "metadata": .emptyObject]
            if let id { content["transient"] = ["display_id": .string(id)] }
            core.publish("display_data", parent: request, content: .object(content))
        case .updateDisplay(let bundle, let id):
            core.publish("update_display_data", parent: request, content: [
                "data": .strings(bundle.asDictionary()), "metadata": .emptyObject,
                "transient": ["display_id": .string(id)],
            ])
        case .clearOutput(let wait):
            core.publish("clear_output", parent: request, content: ["wait": .bool(wait)])
        case .page:
            break
        }
    }

    /// Throws the language's own errors so the cell reports them as such: `IOError` when the
    /// client allows no input, `Interrupted` when the wait for the reply was interrupted.
    func readInput(prompt: String, password: Bool) throws -> String {
        guard allowStdin, let request else {
            throw RuntimeError.ioError("input: this front end allows no input (the request had allow_stdin: false)")
        }
        do {
            return try core.requestInput(prompt: prompt, password: password, for: request)
        } catch .inputInterrupted {
            throw RuntimeError.interrupted
        } catch {
            throw RuntimeError.ioError("input: \(error)")
        }
    }
}

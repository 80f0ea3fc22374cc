// The execute flow: busy → execute_input → outputs → execute_result | error → reply → idle.

import Lang
import Support

extension KernelCore {
    /// Runs one `execute_request` (after `busy` was published). Returns work to do after
    /// `idle`: aborting the queued execute requests when the cell failed with `stop_on_error`.
    func runExecute(_ request: ExecuteRequest, message: Message) -> (() -> Void)? {
        if request.storeHistory { executionCount += 1 }
        let count = executionCount
        if !request.silent {
            publish("execute_input", parent: message, content: ["code": .string(request.code), "execution_count": .int(count)])
        }

        let host = KernelExecutionHost(core: self, request: message, silent: request.silent, allowStdin: request.allowStdin)
        cellStarts(sentAt: Header.secondsSinceEpoch(parsing: message.header.date))
        let outcome = interpreter.execute(request.code, host: host)
        cellEnds()

        if request.storeHistory {
            history.append(line: count, input: request.code, output: outcome.result?.plain)
        }

        if let error = outcome.error {
            let traceback = Self.traceback(of: error)
            if !request.silent {
                publish("error", parent: message, content: [
                    "ename": .string(error.name), "evalue": .string(error.message),
                    "traceback": .array(traceback.map(JSONValue.string)),
                ])
            }
            // Only requests that were already queued when the cell failed are aborted: take
            // them off the socket before the reply goes out, so that a request a client sends
            // after seeing the error reply always runs.
            let queued = request.stopOnError ? takeQueuedShellFrames() : []
            if request.stopOnError { lastStopOnErrorFailure = Header.secondsSinceEpoch() }
            reply(to: message, on: .shell, content: [
                "status": "error", "execution_count": .int(count), "ename": .string(error.name),
                "evalue": .string(error.message), "traceback": .array(traceback.map(JSONValue.string)),
            ])
            return request.stopOnError ? { [self] in abortQueuedExecutes(queued) } : nil
        }

        if let result = outcome.result, !request.silent {
            publish("execute_result", parent: message, content: [
                "execution_count": .int(count), "data": .strings(result.asDictionary()), "metadata": .emptyObject,
            ])
        }
        reply(to: message, on: .shell, content: [
            "status": "ok", "execution_count": .int(count), "payload": .array(host.payloads),
            "user_expressions": .object(evaluate(request.userExpressions)),
        ])
        return nil
    }

    /// The traceback lines a front end shows: the error's own lines, then `Name: message`
    /// (the name in red, as Jupyter renders ANSI colours).
    static func traceback(of error: ExecutionError) -> [String] {
        let headline = "\u{1B}[0;31m\(error.name)\u{1B}[0m: \(error.message)"
        return error.traceback + [headline]
    }

    /// `user_expressions`: each expression evaluated after the cell, without output.
    func evaluate(_ expressions: [String: String]) -> [String: JSONValue] {
        var results: [String: JSONValue] = [:]
        for (name, expression) in expressions {
            let host = KernelExecutionHost(core: self, request: nil, silent: true, allowStdin: false)
            let outcome = interpreter.execute(expression, host: host)
            if let error = outcome.error {
                results[name] = [
                    "status": "error", "ename": .string(error.name), "evalue": .string(error.message),
                    "traceback": .array(Self.traceback(of: error).map(JSONValue.string)),
                ]
            } else {
                let bundle = outcome.result ?? MimeBundle(plain: "nil")
                results[name] = ["status": "ok", "data": .strings(bundle.asDictionary()), "metadata": .emptyObject]
            }
        }
        return results
    }

    /// The shell messages waiting on the socket right now.
    func takeQueuedShellFrames() -> [[[UInt8]]] {
        var queued: [[[UInt8]]] = []
        while let frames = transport.pendingShellFrames() { queued.append(frames) }
        return queued
    }

    /// After a failed cell with `stop_on_error`: every execute request that was waiting on
    /// shell (`queued`) is answered with an error (`ExecutionAborted`) instead of running; other
    /// requests waiting there are served normally.
    func abortQueuedExecutes(_ queued: [[[UInt8]]]) {
        for frames in queued {
            guard let (message, request) = decode(frames, channel: .shell) else { continue }
            guard case .execute = request else {
                dispatchShell(message, request)
                continue
            }
            publishStatus("busy", parent: message)
            replyAborted(message)
            publishStatus("idle", parent: message)
        }
    }

    /// Whether an execute request that arrives now was sent before the last cell that failed
    /// with `stop_on_error`: "Run All" sends every cell at once, and through a notebook server
    /// the later requests may reach the socket only after the first one failed. Such a request
    /// is aborted like a queued one; one sent after the failure (its header's `date` later, or
    /// none) runs, and so does any request more than ``lateAbortWindow`` seconds after it.
    func isLateForAbort(_ message: Message) -> Bool {
        guard let failed = lastStopOnErrorFailure else { return false }
        guard Header.secondsSinceEpoch() <= failed + Self.lateAbortWindow else {
            lastStopOnErrorFailure = nil
            return false
        }
        guard let sent = Header.secondsSinceEpoch(parsing: message.header.date) else { return false }
        return sent < failed
    }

    /// The reply of an execute request that does not run because an earlier cell failed. Its
    /// `execution_count` is null, as it never ran: front ends then show the cell as not run
    /// (ipykernel's `aborted` replies carry no count either).
    func replyAborted(_ message: Message) {
        reply(to: message, on: .shell, content: [
            "status": "error", "execution_count": .null, "ename": "ExecutionAborted",
            "evalue": "not run because an earlier cell failed (stop_on_error)", "traceback": [],
        ])
    }

    /// Sends `input_request` on stdin (to the identities of the shell request) and blocks
    /// for the `input_reply`. Throws when interrupted or stopped while waiting.
    func requestInput(prompt: String, password: Bool, for request: Message) throws(KernelError) -> String {
        var message = makeMessage("input_request", parent: request, content: ["prompt": .string(prompt), "password": .bool(password)])
        message.identities = request.identities
        log.traffic?("-> stdin input_request parent=\(request.header.msgID)")
        transport.send(framing.encode(message), on: .stdin)
        let stop: () -> Bool = { [self] in shared.withLock { $0.interruptRequested || $0.shutdown != nil } }
        while let frames = transport.receiveStdin(until: stop) {
            let reply: Message
            do {
                reply = try framing.decode(frames)
            } catch {
                log.problem("dropped a message on stdin: \(error)")
                continue
            }
            log.traffic?("<- stdin \(reply.msgType) \(reply.header.msgID)")
            guard case .inputReply(let value)? = try? Request(reply) else {
                log.problem("ignored \(reply.msgType) on stdin while waiting for input_reply")
                continue
            }
            return value
        }
        throw .inputInterrupted
    }
}

import Foundation
import Testing
import Kernel
import Lang

@Suite struct ExecuteDispatchTests {
    @Test func executePublishesBusyInputOutputsResultThenIdleAndReplies() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        let (id, frames) = h.client.execute("print hello\nwarn careful\nvalue 42")
        h.core.handleShell(frames)

        #expect(h.iopubTypes(for: id) == ["status", "execute_input", "stream", "stream", "execute_result", "status"])
        let messages = h.iopub(for: id)
        #expect(messages[0].1["execution_state"] == "busy")
        #expect(messages[1].1 == ["code": "print hello\nwarn careful\nvalue 42", "execution_count": 1])
        #expect(messages[2].1 == ["name": "stdout", "text": "hello\n"])
        #expect(messages[3].1 == ["name": "stderr", "text": "careful\n"])
        #expect(messages[4].1 == ["execution_count": 1, "data": ["text/plain": "42"], "metadata": [:]])
        #expect(messages[5].1["execution_state"] == "idle")

        let reply = try #require(h.reply(to: id))
        #expect(reply.msgType == "execute_reply")
        #expect(reply.identities == [h.client.identity])
        #expect(reply.content == ["status": "ok", "execution_count": 1, "payload": [], "user_expressions": [:]])
        #expect(reply.header.version == "5.4")
        #expect(reply.header.session == h.core.sessionID)
    }

    @Test func executionCountFollowsStoreHistoryAndSilence() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        let first = h.client.execute("value 1")
        let notStored = h.client.execute("value 2", storeHistory: false)
        let silent = h.client.execute("print hidden\nvalue 3", silent: true)
        let second = h.client.execute("value 4")
        for request in [first, notStored, silent, second] { h.core.handleShell(request.frames) }

        #expect(h.reply(to: first.id)?.content["execution_count"] == 1)
        #expect(h.reply(to: notStored.id)?.content["execution_count"] == 1)
        #expect(h.iopub(for: notStored.id)[1].1["execution_count"] == 1)
        // Silent: no execute_input, no output, no result — only busy and idle.
        #expect(h.iopubTypes(for: silent.id) == ["status", "status"])
        #expect(h.reply(to: silent.id)?.content["status"] == "ok")
        #expect(h.reply(to: second.id)?.content["execution_count"] == 2)
        #expect(h.core.history.entries.map(\.input) == ["value 1", "value 4"])
    }

    @Test func errorIsPublishedAndReplied() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        let (id, frames) = h.client.execute("print before\nfail TypeError")
        h.core.handleShell(frames)
        #expect(h.iopubTypes(for: id) == ["status", "execute_input", "stream", "error", "status"])
        let error = h.iopub(for: id)[3].1
        #expect(error["ename"] == "TypeError")
        #expect(error["evalue"] == "it failed")
        let traceback = try #require(error["traceback"]?.arrayValue)
        #expect(traceback.first == "line 1")
        #expect(traceback.last?.stringValue?.contains("TypeError") == true)
        let reply = try #require(h.reply(to: id))
        #expect(reply.content["status"] == "error")
        #expect(reply.content["ename"] == "TypeError")
        #expect(reply.content["execution_count"] == 1)
    }

    @Test func stopOnErrorAbortsQueuedExecutesButServesOtherRequests() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        let failing = h.client.execute("fail ValueError")
        let queued1 = h.client.execute("print never")
        let queuedInfo = h.client.request("kernel_info_request")
        let queued2 = h.client.execute("print never again")
        for queued in [queued1, queuedInfo, queued2] { h.transport.enqueueShell(queued.frames) }
        h.core.handleShell(failing.frames)

        for aborted in [queued1, queued2] {
            let reply = try #require(h.reply(to: aborted.id))
            #expect(reply.content["status"] == "error")
            #expect(reply.content["ename"] == "ExecutionAborted")
            #expect(h.iopubTypes(for: aborted.id) == ["status", "status"])
        }
        #expect(h.reply(to: queuedInfo.id)?.msgType == "kernel_info_reply")
        #expect(!h.transport.published().contains { $0.msgType == "stream" })
        // The failed cell's idle comes before the aborted requests' busy.
        let order = h.transport.published().map(\.parentID)
        #expect(order.lastIndex(of: failing.id)! < order.firstIndex(of: queued1.id)!)
    }

    /// A failing cell, then a request sent before the failure that reaches the kernel after it
    /// ("Run All" through a notebook server). Returns the harness and the late request's reply.
    func lateRequest(stopOnError: Bool) throws -> (Harness, id: String, reply: Message) {
        let h = Harness(interpreter: ScriptedInterpreter())
        let failing = h.client.execute("fail ValueError", stopOnError: stopOnError)
        let late = h.client.execute("print late")
        h.core.handleShell(failing.frames)
        h.core.handleShell(late.frames)
        return (h, late.id, try #require(h.reply(to: late.id)))
    }

    @Test func aRequestSentBeforeTheFailureButArrivingAfterItIsAborted() throws {
        let (h, late, reply) = try lateRequest(stopOnError: true)
        #expect(reply.content["ename"] == "ExecutionAborted")
        #expect(reply.content["execution_count"] == .null)
        #expect(h.iopubTypes(for: late) == ["status", "status"])
        // A request sent after the failure (the user re-runs the cell) runs.
        let after = h.client.execute("print runs")
        h.core.handleShell(after.frames)
        #expect(h.reply(to: after.id)?.content["status"] == "ok")
        #expect(h.iopubTypes(for: after.id).contains("stream"))
    }

    @Test func withoutStopOnErrorALateRequestRuns() throws {
        let (_, _, reply) = try lateRequest(stopOnError: false)
        #expect(reply.content["status"] == "ok")
    }

    @Test func withoutStopOnErrorQueuedRequestsStayQueued() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        let failing = h.client.execute("fail ValueError", stopOnError: false)
        let queued = h.client.execute("print runs later")
        h.transport.enqueueShell(queued.frames)
        h.core.handleShell(failing.frames)
        #expect(h.reply(to: queued.id) == nil)
        #expect(h.transport.pendingShellFrames() != nil)
    }

    @Test func displaysUpdatesAndClearMapToTheirMessages() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        let (id, frames) = h.client.execute("show hi\nprogress 2\nclear wait")
        h.core.handleShell(frames)
        let messages = h.iopub(for: id)
        #expect(messages.map(\.0) == [
            "status", "execute_input", "display_data", "display_data", "update_display_data",
            "update_display_data", "clear_output", "status",
        ])
        #expect(messages[2].1 == ["data": ["text/plain": "hi", "text/html": "<b>hi</b>"], "metadata": [:]])
        #expect(messages[3].1 == ["data": ["text/plain": "0"], "metadata": [:], "transient": ["display_id": "p"]])
        #expect(messages[5].1 == ["data": ["text/plain": "2"], "metadata": [:], "transient": ["display_id": "p"]])
        #expect(messages[6].1 == ["wait": true])
    }

    @Test func pageEventsBecomeAPagePayload() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        let (id, frames) = h.client.execute("help print(values...) writes to stdout")
        h.core.handleShell(frames)
        let reply = try #require(h.reply(to: id))
        #expect(reply.content["payload"] == [
            ["source": "page", "data": ["text/plain": "print(values...) writes to stdout"], "start": 0],
        ])
        #expect(h.iopubTypes(for: id) == ["status", "execute_input", "status"])
    }

    @Test func userExpressionsAreEvaluatedAfterTheCell() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        let (id, frames) = h.client.execute("print x", userExpressions: ["a": "value 7", "b": "fail NameError"])
        h.core.handleShell(frames)
        let expressions = try #require(h.reply(to: id)?.content["user_expressions"])
        #expect(expressions["a"] == ["status": "ok", "data": ["text/plain": "7"], "metadata": [:]])
        #expect(expressions["b"]?["status"] == "error")
        #expect(expressions["b"]?["ename"] == "NameError")
        // Their output is not published.
        #expect(h.iopubTypes(for: id) == ["status", "execute_input", "stream", "status"])
    }

    @Test func inputRoundTripUsesTheShellIdentities() throws {
        let h = Harness(interpreter: ScriptedInterpreter(), answerInput: { request in
            let reply = Message(
                identities: request.identities, header: Header(session: "client-session", msgType: "input_reply"),
                parentHeader: request.header.json, content: ["value": "Ada"])
            return TestClient().framing.encode(reply)
        })
        let (id, frames) = h.client.execute("input name? ", allowStdin: true)
        h.core.handleShell(frames)
        let request = try #require(h.transport.sent(on: .stdin).first)
        #expect(request.msgType == "input_request")
        #expect(request.identities == [h.client.identity])
        #expect(request.parentID == id)
        #expect(request.content == ["prompt": "name? ", "password": false])
        #expect(h.iopub(for: id).contains { $0.0 == "stream" && $0.1["text"] == "Ada\n" })
    }

    @Test func inputWithoutAllowStdinFailsWithoutAnInputRequest() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        let (id, frames) = h.client.execute("input name? ", allowStdin: false)
        h.core.handleShell(frames)
        #expect(h.transport.sent(on: .stdin).isEmpty)
        #expect(h.reply(to: id)?.content["ename"] == "IOError")
    }
}

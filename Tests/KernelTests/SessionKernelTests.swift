import Foundation
import Support
import Testing
import Kernel
import Lang

/// The kernel core driving the real `Lang.Session`: what a notebook user actually gets.
@Suite struct SessionKernelTests {
    @Test func printResultAndErrorThroughTheSession() throws {
        let h = Harness(interpreter: Session())
        let cell = h.client.execute("print(\"hello, world\")\nwarn(\"oops\")\n1 + 1")
        h.core.handleShell(cell.frames)
        let messages = h.iopub(for: cell.id)
        #expect(messages.map(\.0) == ["status", "execute_input", "stream", "stream", "execute_result", "status"])
        #expect(messages[2].1 == ["name": "stdout", "text": "hello, world\n"])
        #expect(messages[3].1["name"] == "stderr")
        #expect(messages[4].1["data"] == ["text/plain": "2"])

        let failing = h.client.execute("undefined_name + 1")
        h.core.handleShell(failing.frames)
        #expect(h.iopubTypes(for: failing.id) == ["status", "execute_input", "error", "status"])
        #expect(h.reply(to: failing.id)?.content["ename"] == "NameError")
    }

    @Test func helpPagesShowDisplaysAndClearClears() throws {
        let h = Harness(interpreter: Session())
        let help = h.client.execute("help(print)")
        h.core.handleShell(help.frames)
        let payload = try #require(h.reply(to: help.id)?.content["payload"]?.arrayValue)
        #expect(payload.count == 1)
        #expect(payload.first?["source"] == "page")
        #expect(payload.first?["data"]?["text/plain"]?.stringValue?.contains("print") == true)
        #expect(h.iopubTypes(for: help.id) == ["status", "execute_input", "status"])

        let show = h.client.execute("show({a: 1})")
        h.core.handleShell(show.frames)
        let display = try #require(h.iopub(for: show.id).first { $0.0 == "display_data" })
        #expect(display.1["data"]?["text/html"] != nil)
        #expect(display.1["data"]?["text/plain"] == "{a: 1}")

        let clear = h.client.execute("clear()")
        h.core.handleShell(clear.frames)
        #expect(h.iopub(for: clear.id).contains { $0.0 == "clear_output" && $0.1 == ["wait": false] })
    }

    @Test func inputRoundTripAndRefusal() throws {
        let h = Harness(interpreter: Session(), answerInput: { request in
            let reply = Message(
                identities: request.identities, header: Header(session: "c", msgType: "input_reply"),
                parentHeader: request.header.json, content: ["value": "Ada"])
            return TestClient().framing.encode(reply)
        })
        let asked = h.client.execute("name = input(\"name? \")\nprint(\"hi \" + name)", allowStdin: true)
        h.core.handleShell(asked.frames)
        #expect(h.transport.sent(on: .stdin).first?.content == ["prompt": "name? ", "password": false])
        #expect(h.iopub(for: asked.id).contains { $0.0 == "stream" && $0.1["text"] == "hi Ada\n" })

        let refused = h.client.execute("input(\"name? \")", allowStdin: false)
        h.core.handleShell(refused.frames)
        #expect(h.reply(to: refused.id)?.content["ename"] == "IOError")
    }

    @Test func editingRequestsUseTheSession() throws {
        let h = Harness(interpreter: Session())
        func reply(_ type: String, _ content: JSONValue) throws -> JSONValue {
            let request = h.client.request(type, content)
            h.core.handleShell(request.frames)
            return try #require(h.reply(to: request.id)).content
        }
        #expect(try reply("is_complete_request", ["code": "fn f(a) {"])["status"] == "incomplete")
        #expect(try reply("is_complete_request", ["code": "1 + 1"])["status"] == "complete")
        #expect(try reply("is_complete_request", ["code": ")"])["status"] == "invalid")
        #expect(try reply("complete_request", ["code": "pri", "cursor_pos": 3])["matches"] == ["print"])
        let inspected = try reply("inspect_request", ["code": "print", "cursor_pos": 5, "detail_level": 0])
        #expect(inspected["found"] == true)
    }

    @Test func interruptStopsAnEndlessLoop() async throws {
        let session = Session()
        let h = Harness(interpreter: session)
        let cell = h.client.execute("while true { }")
        let core = h.core
        let thread = Thread { core.handleShell(cell.frames) }
        thread.start()
        // Wait for the cell to start (its execute_input is out), then interrupt via control.
        for _ in 0..<400 where !h.iopubTypes(for: cell.id).contains("execute_input") {
            try await Task.sleep(for: .milliseconds(5))
        }
        try await Task.sleep(for: .milliseconds(50))
        h.core.handleControl(h.client.request("interrupt_request").frames)
        for _ in 0..<400 where h.reply(to: cell.id) == nil { try await Task.sleep(for: .milliseconds(5)) }
        #expect(h.reply(to: cell.id)?.content["ename"] == "Interrupted")
    }
}

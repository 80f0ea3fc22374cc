import Foundation
import Support
import Testing
import Kernel
import Lang

@Suite struct RequestDispatchTests {
    @Test func historyTailRangeAndSearch() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        for code in ["value 1", "print a", "value 1", "value 22"] { h.core.handleShell(h.client.execute(code).frames) }

        func rows(_ content: JSONValue) throws -> [JSONValue] {
            let request = h.client.request("history_request", content)
            h.core.handleShell(request.frames)
            #expect(h.iopubTypes(for: request.id) == ["status", "status"])
            return try #require(h.reply(to: request.id)?.content["history"]?.arrayValue)
        }
        #expect(try rows(["hist_access_type": "tail", "n": 2, "output": false, "raw": true])
            == [[1, 3, "value 1"], [1, 4, "value 22"]])
        #expect(try rows(["hist_access_type": "tail", "n": 1, "output": true, "raw": true])
            == [[1, 4, ["value 22", "22"]]])
        #expect(try rows(["hist_access_type": "tail", "n": 1, "output": true, "raw": true]).count == 1)
        #expect(try rows(["hist_access_type": "range", "session": 1, "start": 2, "stop": 3, "output": true, "raw": true])
            == [[1, 2, ["print a", nil]]])
        #expect(try rows(["hist_access_type": "range", "session": 0, "start": 3, "output": false, "raw": true]).count == 2)
        #expect(try rows(["hist_access_type": "range", "session": 7, "start": 1, "output": false, "raw": true]).isEmpty)
        #expect(try rows(["hist_access_type": "search", "pattern": "value ?", "output": false, "raw": true]).count == 2)
        #expect(try rows(["hist_access_type": "search", "pattern": "value ?", "unique": true, "output": false, "raw": true])
            == [[1, 3, "value 1"]])
        #expect(try rows(["hist_access_type": "search", "pattern": "v*", "n": 2, "output": false, "raw": true])
            == [[1, 3, "value 1"], [1, 4, "value 22"]])
        #expect(try rows(["hist_access_type": "search", "pattern": "*[!0-9]", "output": false, "raw": true])
            == [[1, 2, "print a"]])
    }

    @Test func isCompleteCompleteAndInspect() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        func reply(_ type: String, _ content: JSONValue) throws -> JSONValue {
            let request = h.client.request(type, content)
            h.core.handleShell(request.frames)
            return try #require(h.reply(to: request.id)).content
        }
        #expect(try reply("is_complete_request", ["code": "value 1"]) == ["status": "complete"])
        #expect(try reply("is_complete_request", ["code": "fn f() {"]) == ["status": "incomplete", "indent": "    "])
        #expect(try reply("is_complete_request", ["code": "}"]) == ["status": "invalid"])
        #expect(try reply("complete_request", ["code": "x = pr", "cursor_pos": 6]) == [
            "status": "ok", "matches": ["print", "progress"], "cursor_start": 4, "cursor_end": 6, "metadata": [:],
        ])
        // A missing cursor means the end of the code; an out-of-range one is clamped.
        #expect(try reply("complete_request", ["code": "wa"])["matches"] == ["warn"])
        #expect(try reply("complete_request", ["code": "wa", "cursor_pos": 99])["cursor_end"] == 2)
        #expect(try reply("inspect_request", ["code": "print", "cursor_pos": 2, "detail_level": 1]) == [
            "status": "ok", "found": true, "data": ["text/plain": "print TEXT (detail 1)"], "metadata": [:],
        ])
        #expect(try reply("inspect_request", ["code": "zzz", "cursor_pos": 1]) == [
            "status": "ok", "found": false, "data": [:], "metadata": [:],
        ])
        #expect(try reply("comm_info_request", [:]) == ["status": "ok", "comms": [:]])
    }

    @Test func kernelInfoOnShellAndControl() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        let onShell = h.client.request("kernel_info_request")
        let onControl = h.client.request("kernel_info_request")
        h.core.handleShell(onShell.frames)
        h.core.handleControl(onControl.frames)
        for (id, channel) in [(onShell.id, Channel.shell), (onControl.id, Channel.control)] {
            let content = try #require(h.reply(to: id, on: channel)).content
            #expect(content["protocol_version"] == "5.5")
            #expect(content["language_info"]?["name"] == "latent")
            #expect(content["language_info"]?["file_extension"] == ".lat")
            #expect(content["language_info"]?["mimetype"] == "text/x-latent")
            #expect(h.iopubTypes(for: id) == ["status", "status"])
        }
    }

    @Test func shutdownRepliesThenNotifiesTheServer() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        let request = h.client.request("shutdown_request", ["restart": true])
        h.core.handleControl(request.frames)
        #expect(h.reply(to: request.id, on: .control)?.content == ["status": "ok", "restart": true])
        #expect(h.shutdowns.all == ["restart=true"])
        #expect(h.core.shutdownRequest == KernelCore.Shutdown(restart: true))
        #expect(h.iopubTypes(for: request.id) == ["status", "status"])
    }

    @Test func interruptStopsARunningCellAndIsIgnoredWhileIdle() async throws {
        let interpreter = ScriptedInterpreter()
        let h = Harness(interpreter: interpreter)
        // Idle: nothing to interrupt, and a cell sent after it is not affected.
        h.core.handleControl(h.client.request("interrupt_request").frames)
        #expect(!interpreter.interruption.isRequested)
        let later = h.client.execute("print after")
        h.core.handleShell(later.frames)
        #expect(h.reply(to: later.id)?.content["status"] == "ok")

        let cell = h.client.execute("spin")
        let core = h.core
        let done = Thread { core.handleShell(cell.frames) }
        done.start()
        while !interpreter.started.load(ordering: .sequentiallyConsistent) { try await Task.sleep(for: .milliseconds(5)) }
        let interrupt = h.client.request("interrupt_request")
        h.core.handleControl(interrupt.frames)
        #expect(h.reply(to: interrupt.id, on: .control)?.content == ["status": "ok"])
        for _ in 0..<400 where h.reply(to: cell.id) == nil { try await Task.sleep(for: .milliseconds(5)) }
        #expect(h.reply(to: cell.id)?.content["ename"] == "Interrupted")
    }

    /// Runs `cell` on a thread of its own; true when its reply arrived within two seconds.
    private func replied(_ h: Harness, _ cell: (id: String, frames: [[UInt8]])) async throws -> Bool {
        for _ in 0..<400 where h.reply(to: cell.id) == nil { try await Task.sleep(for: .milliseconds(5)) }
        return h.reply(to: cell.id) != nil
    }

    @Test func anInterruptThatOvertakesItsCellStillStopsIt() async throws {
        // The client sent the execute request, then the interrupt; the control thread handled the
        // interrupt before the shell thread started the cell.
        let interpreter = ScriptedInterpreter()
        let h = Harness(interpreter: interpreter)
        let cell = h.client.execute("spin")
        h.core.handleControl(h.client.request("interrupt_request").frames)
        let core = h.core
        Thread { core.handleShell(cell.frames) }.start()
        #expect(try await replied(h, cell), "the cell ran on: the interrupt was lost")
        #expect(h.reply(to: cell.id)?.content["ename"] == "Interrupted")
        let next = h.client.execute("print next")
        h.core.handleShell(next.frames)
        #expect(h.reply(to: next.id)?.content["status"] == "ok")
    }

    @Test func anInterruptRacingTheStartOfItsCellIsNeverLost() async throws {
        for attempt in 0..<40 {
            let h = Harness(interpreter: ScriptedInterpreter())
            let core = h.core
            let cell = h.client.execute("spin")
            let interrupt = h.client.request("interrupt_request").frames
            let delay = UInt32(attempt % 5) * 20
            Thread { core.handleShell(cell.frames) }.start()
            Thread { usleep(delay); core.handleControl(interrupt) }.start()
            #expect(try await replied(h, cell), "attempt \(attempt): the interrupt was lost")
            #expect(h.reply(to: cell.id)?.content["ename"] == "Interrupted")
            guard h.reply(to: cell.id) != nil else { return }
        }
    }

    @Test func badlySignedAndMalformedMessagesAreDroppedAndLogged() {
        let h = Harness(interpreter: ScriptedInterpreter())
        var forged = h.client.execute("print x").frames
        forged[2] = Array(String(repeating: "a", count: 64).utf8)
        h.core.handleShell(forged)
        h.core.handleControl(forged)
        h.core.handleShell([Array("garbage".utf8)])
        h.core.handleShell([])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let frames = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            h.core.handleShell(frames)
            h.core.handleControl(frames)
        }
        #expect(h.transport.published().isEmpty)
        #expect(h.transport.sent(on: .shell).isEmpty)
        #expect(h.problems.all.filter { $0.contains("signature") }.count == 2)
        #expect(h.problems.all.count == 404)
        // Still serving afterwards.
        let ok = h.client.execute("value 1")
        h.core.handleShell(ok.frames)
        #expect(h.reply(to: ok.id)?.content["status"] == "ok")
    }

    @Test func requestWithMissingCodeIsDropped() {
        let h = Harness(interpreter: ScriptedInterpreter())
        h.core.handleShell(h.client.request("execute_request", ["silent": false]).frames)
        #expect(h.transport.published().isEmpty)
        #expect(h.problems.all.first?.contains("'code'") == true)
    }

    @Test func unknownTypesGetBusyIdleButNoReply() {
        let h = Harness(interpreter: ScriptedInterpreter())
        let request = h.client.request("debug_request", ["command": "initialize"])
        h.core.handleShell(request.frames)
        #expect(h.iopubTypes(for: request.id) == ["status", "status"])
        #expect(h.transport.sent(on: .shell).isEmpty)
    }

    @Test func commOpenForAnUnknownTargetIsClosed() {
        let h = Harness(interpreter: ScriptedInterpreter())
        let request = h.client.request("comm_open", ["comm_id": "c1", "target_name": "jupyter.widget", "data": [:]])
        h.core.handleShell(request.frames)
        #expect(h.iopub(for: request.id).map(\.0) == ["status", "comm_close", "status"])
        #expect(h.iopub(for: request.id)[1].1 == ["comm_id": "c1", "data": [:]])
    }

    @Test func welcomeAndStartingFramesAreSignedIOPubMessages() throws {
        let h = Harness(interpreter: ScriptedInterpreter())
        let welcome = h.core.welcomeFrames(subscription: [])
        #expect(welcome[0] == [])
        let message = try h.client.framing.decode(welcome)
        #expect(message.msgType == "iopub_welcome")
        #expect(message.content == ["subscription": ""])
        #expect(message.parentHeader == [:])
        let starting = try h.client.framing.decode(h.core.startingFrames())
        #expect(starting.content == ["execution_state": "starting"])
    }
}

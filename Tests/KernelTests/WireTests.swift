import Testing
@testable import Kernel

@Suite struct SignerTests {
    // Reference digests from Python's hmac module over the same four frames.
    let frames: [[UInt8]] = [#"{"a":1}"#, "{}", "{}", #"{"code":"1+1"}"#].map { Array($0.utf8) }

    @Test func sha256MatchesPythonsHMAC() {
        let signer = Signer(key: Array("secret-key".utf8))
        #expect(signer.signature(of: frames) == "ac38879172351d3dcc909177b26e1caf096c9c02e59dc737cad7a4d9283c3250")
    }

    @Test func sha512MatchesPythonsHMAC() {
        let signer = Signer(key: Array("secret-key".utf8), scheme: "hmac-sha512")
        #expect(signer.signature(of: frames).hasPrefix("c7fc531e15bf3208bee6db5ba6a6d92238e6436a00bc1c6c"))
    }

    @Test func verifiesInConstantTimeAndAcceptsUppercaseHex() {
        let signer = Signer(key: Array("secret-key".utf8))
        let good = signer.signature(of: frames)
        #expect(signer.isValid(signature: Array(good.utf8), of: frames))
        #expect(signer.isValid(signature: Array(good.uppercased().utf8), of: frames))
        var tampered = Array(good.utf8)
        tampered[10] = tampered[10] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        #expect(!signer.isValid(signature: tampered, of: frames))
        #expect(!signer.isValid(signature: Array(good.utf8.dropLast()), of: frames))
        #expect(!signer.isValid(signature: [], of: frames))
    }

    @Test func emptyKeyNeitherSignsNorChecks() {
        let signer = Signer(key: [])
        #expect(!signer.isSigning)
        #expect(signer.signature(of: frames) == "")
        #expect(signer.isValid(signature: Array("anything".utf8), of: frames))
    }
}

@Suite struct FramingTests {
    let framing = Framing(signer: Signer(key: Array("k".utf8)))

    func sample() -> Message {
        Message(
            identities: [[1, 2, 3], Array("client".utf8)],
            header: Header(session: "s", msgType: "execute_request"),
            parentHeader: ["msg_id": "p"], metadata: ["m": 1], content: ["code": "1+1"],
            buffers: [[0, 255], []])
    }

    @Test func roundTripWithIdentitiesAndBuffers() throws {
        let message = sample()
        let frames = framing.encode(message)
        #expect(frames[2] == Framing.delimiter)
        #expect(frames.count == 2 + 1 + 1 + 4 + 2)
        #expect(try framing.decode(frames) == message)
    }

    @Test func signatureCoversTheFourDictsNotTheBuffers() throws {
        var frames = framing.encode(sample())
        frames[frames.count - 2] = [9, 9, 9]
        _ = try framing.decode(frames)
        frames[7] = Array(#"{"code":"2+2"}"#.utf8)
        #expect(throws: KernelError.badSignature) { try framing.decode(frames) }
    }

    @Test func badSignatureIsRejected() {
        var frames = framing.encode(sample())
        frames[3] = Array(String(repeating: "0", count: 64).utf8)
        #expect(throws: KernelError.badSignature) { try framing.decode(frames) }
        let otherKey = Framing(signer: Signer(key: Array("other".utf8)))
        #expect(throws: KernelError.badSignature) { try otherKey.decode(framing.encode(sample())) }
    }

    @Test func malformedFramesThrowWithReasons() throws {
        let unsigned = Framing(signer: Signer(key: []))
        let cases: [[[UInt8]]] = [
            [],
            [Array("no delimiter".utf8)],
            [Framing.delimiter, [], Array("{}".utf8)],
            [Framing.delimiter, [], Array("not json".utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)],
            [Framing.delimiter, [], Array("[1]".utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)],
            [Framing.delimiter, [], Array(#"{"msg_type":"x"}"#.utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)],
            [Framing.delimiter, [], Array(#"{"msg_id":"1","msg_type":"x"}"#.utf8), Array("3".utf8), Array("{}".utf8), Array("{}".utf8)],
            [Framing.delimiter, [], Array(#"{"msg_id":"1","msg_type":"x"}"#.utf8), Array("{}".utf8), Array("{}".utf8), [0xFF]],
        ]
        for frames in cases {
            #expect(throws: KernelError.self) { try unsigned.decode(frames) }
        }
        // The minimum valid message: no identities, empty signature, four dicts.
        let minimal = try unsigned.decode([
            Framing.delimiter, [], Array(#"{"msg_id":"1","msg_type":"x","extra":7}"#.utf8),
            Array("{}".utf8), Array("{}".utf8), Array("{}".utf8),
        ])
        #expect(minimal.msgType == "x")
        #expect(minimal.header.extra["extra"] == 7)
        #expect(minimal.header.json["extra"] == 7)
    }

    @Test func headerStampsVersionAndMicrosecondDate() throws {
        let header = Header(session: "s", msgType: "status")
        #expect(header.version == "5.4")
        let regex = try Regex(#"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$"#)
        #expect(header.date.wholeMatch(of: regex) != nil)
        #expect(Header.newID() != Header.newID())
    }
}

@Suite struct ConnectionInfoTests {
    @Test func parsesAConnectionFile() throws {
        let json = #"""
        {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004,
         "hb_port": 5005, "ip": "127.0.0.1", "key": "abc", "transport": "tcp",
         "signature_scheme": "hmac-sha256", "kernel_name": "latent"}
        """#
        let info = try ConnectionInfo(json: Array(json.utf8))
        #expect(info.endpoint(for: .shell) == "tcp://127.0.0.1:5001")
        #expect(info.endpoint(for: .heartbeat) == "tcp://127.0.0.1:5005")
        #expect(info.key == "abc")
    }

    @Test func ipcEndpointsJoinPathAndPort() throws {
        let json = #"{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"ip":"/tmp/k","key":"","transport":"ipc"}"#
        let info = try ConnectionInfo(json: Array(json.utf8))
        #expect(info.endpoint(for: .control) == "ipc:///tmp/k-4")
        #expect(!info.makeSigner().isSigning)
    }

    @Test(arguments: [
        ("not json", "not valid JSON"),
        ("[]", "JSON object"),
        (#"{"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5}"#, "'shell_port'"),
        (#"{"shell_port":"x","iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5}"#, "port number"),
        (#"{"shell_port":70000,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5}"#, "port number"),
        (#"{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"transport":"udp"}"#, "'tcp' or 'ipc'"),
        (#"{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"signature_scheme":"hmac-md5"}"#, "not supported"),
        (#"{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"key":5}"#, "'key' must be a string"),
    ])
    func reportsWhatIsWrong(json: String, fragment: String) {
        do {
            _ = try ConnectionInfo(json: Array(json.utf8))
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test func missingFileIsAClearError() {
        #expect(throws: KernelError.self) { try ConnectionInfo(contentsOf: "/nonexistent/kernel.json") }
    }
}

@Suite struct ReplayTests {
    func sample() -> Message {
        Message(identities: [Array("client".utf8)], header: Header(session: "s", msgType: "execute_request"),
                content: ["code": "1+1"])
    }

    @Test func aMessageIsAcceptedOnceThenRefusedAsAReplay() throws {
        let framing = Framing(signer: Signer(key: Array("k".utf8)), history: SignatureHistory())
        let message = sample()
        let frames = framing.encode(message)
        #expect(try framing.decode(frames) == message)
        #expect(throws: KernelError.replayedMessage(msgID: message.header.msgID)) { try framing.decode(frames) }
        // The same message from another connection (other identities) is the same replay.
        var elsewhere = frames
        elsewhere[0] = Array("another-client".utf8)
        #expect(throws: KernelError.replayedMessage(msgID: message.header.msgID)) { try framing.decode(elsewhere) }
        // An uppercase copy of the signature is the same signature.
        var shouted = frames
        shouted[2] = shouted[2].map { $0 >= 0x61 && $0 <= 0x66 ? $0 - 0x20 : $0 }
        #expect(throws: KernelError.replayedMessage(msgID: message.header.msgID)) { try framing.decode(shouted) }
        // A new message is accepted.
        #expect(try framing.decode(framing.encode(sample())).content == ["code": "1+1"])
    }

    @Test func badlySignedOrMalformedMessagesDoNotEnterTheHistory() throws {
        let history = SignatureHistory()
        let framing = Framing(signer: Signer(key: Array("k".utf8)), history: history)
        var frames = framing.encode(sample())
        frames[4] = Array("not json".utf8)
        frames[2] = Array(framing.signer.signature(of: frames[3...6]).utf8)
        let signature = frames[2]
        #expect(throws: KernelError.self) { try framing.decode(frames) }
        #expect(history.admit(signature), "a message refused for its content was remembered")
    }

    @Test func theHistoryIsBoundedAndForgetsTheOldestFirst() {
        let history = SignatureHistory(capacity: 3)
        let signatures = (0..<5).map { Array("sig\($0)".utf8) }
        for s in signatures { #expect(history.admit(s)) }
        #expect(!history.admit(signatures[4]) && !history.admit(signatures[3]) && !history.admit(signatures[2]))
        #expect(history.admit(signatures[0]), "the oldest signature should have been forgotten")
    }

    @Test func withoutAKeyNothingIsRemembered() throws {
        let framing = Framing(signer: Signer(key: []), history: SignatureHistory())
        let frames = framing.encode(sample())
        _ = try framing.decode(frames)
        _ = try framing.decode(frames)
    }

    @Test func theKernelDropsAndLogsAReplayedRequest() {
        let h = Harness(interpreter: ScriptedInterpreter())
        let cell = h.client.execute("print once")
        h.core.handleShell(cell.frames)
        h.core.handleShell(cell.frames)
        h.core.handleControl(cell.frames)
        #expect(h.transport.sent(on: .shell).filter { $0.parentID == cell.id }.count == 1)
        #expect(h.problems.all.filter { $0.contains("replayed message \(cell.id)") }.count == 2)
    }
}

@Suite struct HeaderDateTests {
    @Test func readsTheDatesClientsWrite() throws {
        let z = try #require(Header.secondsSinceEpoch(parsing: "2026-12-07T10:00:00.250000Z"))
        #expect(abs(z - 1_796_637_600.25) < 1e-6)
        #expect(Header.secondsSinceEpoch(parsing: "2026-12-07T10:00:00.250000+00:00") == z)
        #expect(Header.secondsSinceEpoch(parsing: "2026-12-07T11:30:00.250+01:30") == z)
        #expect(Header.secondsSinceEpoch(parsing: "2026-12-07T05:00:00.25-05:00") == z)
        #expect(Header.secondsSinceEpoch(parsing: "2026-12-07T10:00") == z - 0.25)
    }

    @Test func ourOwnDatesRoundTrip() throws {
        let now = Header.secondsSinceEpoch()
        let parsed = try #require(Header.secondsSinceEpoch(parsing: Header.now()))
        #expect(abs(parsed - now) < 1)
    }

    @Test func anythingElseIsNotADate() {
        for text in ["", "yesterday", "2026-12-07", "2026-13-07T10:00:00Z", "2026-12-07T10:00:00.Z",
                     "2026-12-07T10:00:00Zjunk", "2026-12-07T25:00:00Z", "２０２６-12-07T10:00:00Z"] {
            #expect(Header.secondsSinceEpoch(parsing: text) == nil, "\(text)")
        }
    }
}

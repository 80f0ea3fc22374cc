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

import Foundation
import Testing
@testable import Kernel

/// Correctly signed messages whose JSON, header or content is wrong: they pass the HMAC check,
/// so they reach the JSON parser and the request decoder. Each must be dropped and logged,
/// never answered, and the kernel must serve the next request.
@Suite struct MalformedInputTests {
    /// Frames signed with the test key around arbitrary dict frames.
    static func signed(_ dicts: [[UInt8]], identity: [UInt8] = Array("client-1".utf8)) -> [[UInt8]] {
        let signature = Signer(key: TestClient.key).signature(of: dicts)
        return [identity, Framing.delimiter, Array(signature.utf8)] + dicts
    }

    static func text(_ json: String) -> [UInt8] { Array(json.utf8) }

    static let validHeader = text(#"{"msg_id":"m1","msg_type":"execute_request","session":"s","username":"u","date":"","version":"5.4"}"#)

    static let cases: [(String, [[UInt8]])] = [
        ("header is not JSON", [text("{\"msg_id\":"), text("{}"), text("{}"), text(#"{"code":"1"}"#)]),
        ("header is an array", [text("[1,2]"), text("{}"), text("{}"), text(#"{"code":"1"}"#)]),
        ("header lacks msg_type", [text(#"{"msg_id":"m"}"#), text("{}"), text("{}"), text(#"{"code":"1"}"#)]),
        ("msg_id is a number", [text(#"{"msg_id":5,"msg_type":"execute_request"}"#), text("{}"), text("{}"), text(#"{"code":"1"}"#)]),
        ("content is a string", [validHeader, text("{}"), text("{}"), text(#""code""#)]),
        ("code is a number", [validHeader, text("{}"), text("{}"), text(#"{"code":3}"#)]),
        ("content not UTF-8", [validHeader, text("{}"), text("{}"), [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]]),
        ("deep nesting", [validHeader, text("{}"), text("{}"), text(String(repeating: "[", count: 100_000))]),
        ("parent header null", [validHeader, text("null"), text("{}"), text(#"{"code":"1"}"#)]),
        ("trailing garbage", [validHeader, text("{}"), text("{} x"), text(#"{"code":"1"}"#)]),
        ("empty frames", [[], [], [], []]),
    ]

    @Test(arguments: cases.map(\.0))
    func signedButMalformedIsDroppedLoggedAndTheKernelServesOn(_ name: String) throws {
        let dicts = try #require(Self.cases.first { $0.0 == name }).1
        let h = Harness(interpreter: ScriptedInterpreter())
        h.core.handleShell(Self.signed(dicts))
        h.core.handleControl(Self.signed(dicts))
        #expect(h.transport.published().isEmpty, "\(name): something was published")
        #expect(h.transport.sent(on: .shell).isEmpty && h.transport.sent(on: .control).isEmpty)
        #expect(h.problems.all.count == 2, "\(name): expected two logged drops, got \(h.problems.all)")
        #expect(h.problems.all.allSatisfy { $0.contains("dropped") && !$0.contains("signature") })
        let ok = h.client.execute("value 1")
        h.core.handleShell(ok.frames)
        #expect(h.reply(to: ok.id)?.content["status"] == "ok")
    }

    @Test func randomDictFramesWithAValidSignatureNeverCrash() {
        let h = Harness(interpreter: ScriptedInterpreter())
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("{}[]\":,0123456789.-eEtruefalsnl \\u".utf8)
        for _ in 0..<500 {
            let dicts = (0..<4).map { _ in
                (0..<Int.random(in: 0...48, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            }
            h.core.handleShell(Self.signed(dicts))
            h.core.handleControl(Self.signed(dicts))
        }
        // Random bytes from a JSON alphabet are almost never four valid objects with a header;
        // whatever did decode was answered, everything else was logged.
        #expect(h.problems.all.allSatisfy { !$0.contains("signature") })
        let ok = h.client.execute("value 1")
        h.core.handleShell(ok.frames)
        #expect(h.reply(to: ok.id)?.content["status"] == "ok")
    }

    @Test func unknownTypesAreLoggedOnShellAndControl() {
        let h = Harness(interpreter: ScriptedInterpreter())
        h.core.handleShell(h.client.request("frobnicate_request").frames)
        h.core.handleControl(h.client.request("debug_request", ["command": "initialize"]).frames)
        #expect(h.transport.sent(on: .shell).isEmpty && h.transport.sent(on: .control).isEmpty)
        #expect(h.problems.all.count == 2)
        #expect(h.problems.all.first?.contains("frobnicate_request") == true)
        #expect(h.problems.all.last?.contains("debug_request") == true)
    }
}

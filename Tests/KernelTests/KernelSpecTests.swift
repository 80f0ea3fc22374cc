import Foundation
import Support
import Testing
@testable import Kernel

@Suite struct KernelSpecTests {
    @Test func kernelJSONLaunchesThisBinaryWithMessageInterrupts() throws {
        let spec = KernelSpec(executable: "/opt/latent/bin/latent")
        let json = spec.kernelJSON
        #expect(json["argv"] == ["/opt/latent/bin/latent", "kernel", "--connection-file", "{connection_file}"])
        #expect(json["interrupt_mode"] == "message")
        #expect(json["language"] == "latent")
        #expect(json["display_name"] == "latent")
        #expect(json["kernel_protocol_version"] == "5.5")
        #expect(spec.directory(prefix: "/p") == "/p/share/jupyter/kernels/latent")
    }

    @Test func installWritesKernelJSONAndLogos() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kspec-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spec = KernelSpec(executable: "/bin/latent")
        try spec.install(into: directory)
        let written = try Data(contentsOf: URL(fileURLWithPath: directory + "/kernel.json"))
        #expect(try JSONValue(parsing: Array(written)) == spec.kernelJSON)
        for logo in ["logo-32x32.png", "logo-64x64.png"] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + logo))
            #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        }
        #expect(FileManager.default.fileExists(atPath: directory + "/logo-svg.svg"))
    }

    @Test func embeddedLogosMatchTheRepositoryFiles() throws {
        // Tests/KernelTests/KernelSpecTests.swift → repository root → kernelspec/latent/
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("kernelspec/latent")
        try #require(FileManager.default.fileExists(atPath: folder.path), "kernelspec/latent/ is missing")
        for (name, bytes) in KernelSpec(executable: "/x").files where name != "kernel.json" {
            let onDisk = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(Array(onDisk) == bytes, "\(name) differs from kernelspec/latent/\(name)")
        }
    }

    @Test func repositoryKernelJSONAgreesWithTheInstalledOne() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("kernelspec/latent/kernel.json"))
        let onDisk = try JSONValue(parsing: Array(data))
        let installed = KernelSpec(executable: "latent").kernelJSON
        // The template names the binary `latent` (install-kernel writes its absolute path);
        // everything Jupyter reads to launch and talk to the kernel must be the same.
        for key in ["argv", "display_name", "language", "interrupt_mode", "kernel_protocol_version"] {
            #expect(onDisk[key] == installed[key], "kernel.json '\(key)' differs from KernelSpec")
        }
        #expect(onDisk["argv"]?.arrayValue?.contains("{connection_file}") == true)
    }

    @Test func rejectsBadNames() {
        let spec = KernelSpec(name: "bad name/..", executable: "/x")
        #expect(throws: KernelError.self) { try spec.install(into: "/tmp/never-written") }
    }
}

@Suite struct RequestDecodingTests {
    func message(_ type: String, _ content: JSONValue) -> Message {
        Message(header: Header(session: "s", msgType: type), content: content)
    }

    @Test func executeDefaultsFollowTheSpec() throws {
        let request = try Request(message("execute_request", ["code": "1"]))
        #expect(request == .execute(ExecuteRequest(code: "1", silent: false, storeHistory: true, allowStdin: true, stopOnError: true)))
        let silent = try Request(message("execute_request", ["code": "1", "silent": true, "store_history": true]))
        guard case .execute(let execute) = silent else { Issue.record("not execute"); return }
        #expect(!execute.storeHistory)
    }

    @Test func replyTypes() {
        #expect(Request.replyType(for: "execute_request") == "execute_reply")
        #expect(Request.replyType(for: "odd") == "odd_reply")
    }

    @Test func historyAccessTypes() throws {
        #expect(try Request(message("history_request", ["hist_access_type": "tail", "n": 3, "output": true]))
            == .history(HistoryQuery(access: .tail(n: 3), output: true)))
        #expect(try Request(message("history_request", ["hist_access_type": "range", "session": 1, "start": 2]))
            == .history(HistoryQuery(access: .range(session: 1, start: 2, stop: nil))))
        #expect(try Request(message("history_request", ["hist_access_type": "search", "pattern": "a*", "unique": true]))
            == .history(HistoryQuery(access: .search(pattern: "a*", n: nil, unique: true))))
    }

    @Test func unknownAndMalformed() throws {
        #expect(try Request(message("debug_request", [:])) == .unknown(msgType: "debug_request"))
        #expect(throws: KernelError.self) { try Request(message("execute_request", ["code": 5])) }
        #expect(throws: KernelError.self) { try Request(message("input_reply", [:])) }
    }

    @Test func globMatching() {
        #expect(Glob("6?7").matches("6*7"))
        #expect(!Glob("6?7").matches("6*77"))
        #expect(Glob("*").matches(""))
        #expect(Glob("a*b*c").matches("aXXbYYc"))
        #expect(!Glob("a*b*c").matches("aXXbYY"))
        #expect(Glob("[a-c]x").matches("bx"))
        #expect(!Glob("[!a-c]x").matches("bx"))
        #expect(Glob("[x").matches("[x"))
        #expect(Glob("é?").matches("éa"))
    }
}

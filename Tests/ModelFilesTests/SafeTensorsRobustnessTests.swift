// safetensors: damage that the per-case tests in SafeTensorsTests.swift do not name — every
// truncation of a real file, seeded byte corruption, absurd shapes whose element count
// overflows, header fields of the wrong JSON type, a non-UTF-8 header, and write failures.
// Each must be refused with a SafeTensorsError whose message says what is wrong; none may trap.

import Foundation
import Support
import Testing
@testable import ModelFiles
import TensorCore

@Suite("safetensors: damaged files never crash")
struct SafeTensorsRobustnessTests {

    /// Decodes `data`, expecting a refusal; returns its message.
    func refusal(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        do {
            _ = try SafeTensors.decode(data)
            Issue.record("damaged data was accepted", sourceLocation: sourceLocation)
            return nil
        } catch let error as SafeTensorsError {
            return error.description
        } catch {
            Issue.record("not a SafeTensorsError: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    var sample: Data {
        SafeTensors.encode(["w": randn([3, 2], seed: 1), "b": randn([2], seed: 2)], metadata: ["step": "3"])
    }

    @Test func everyTruncationIsRefused() {
        let full = sample
        for cut in 0..<full.count {
            let message = refusal(full.prefix(cut))
            #expect(message?.isEmpty == false, "cut at \(cut) of \(full.count)")
        }
    }

    @Test func seededByteCorruptionNeverTraps() throws {
        // Flipped bytes anywhere in the length or header either still describe a valid file
        // or are refused with a SafeTensorsError; a trap would end the test process.
        let full = sample
        let headerEnd = 8 + Int(full.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var rng = SplitMix64(seed: 0xF1)
        var refused = 0
        for _ in 0..<2000 {
            var d = full
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = Int(rng.next() % UInt64(headerEnd))
                d[at] = UInt8(truncatingIfNeeded: rng.next())
            }
            do {
                _ = try SafeTensors.decode(d)
            } catch let error as SafeTensorsError {
                refused += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(refused > 1000)   // most corruptions are detected, not silently accepted
    }

    @Test func shapesWhoseElementCountOverflowsAreRefused() {
        let huge = 1 << 62
        // Zero elements in the end, but the running product overflows on the way.
        let zero = refusal(safeTensorsBytes(#"{"w":{"dtype":"F32","shape":[\#(huge),\#(huge),0],"data_offsets":[0,0]}}"#))
        #expect(zero?.contains("'w'") == true && zero?.contains("too large") == true, "\(zero ?? "")")
        let many = refusal(safeTensorsBytes(#"{"w":{"dtype":"F32","shape":[\#(huge),\#(huge)],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]))
        #expect(many?.contains("too large") == true, "\(many ?? "")")
        // Counts that fit in an Int but whose byte size does not: the message must not trap either.
        let bytes = refusal(safeTensorsBytes(#"{"w":{"dtype":"F32","shape":[\#(1 << 61)],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]))
        #expect(bytes?.contains("more than") == true && bytes?.contains("span 4") == true, "\(bytes ?? "")")
    }

    @Test func wronglyTypedFieldsAreNamed() {
        let cases: [(String, [String])] = [
            (#"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, ["'w'", "dtype"]),
            (#"{"w":{"dtype":7,"shape":[1],"data_offsets":[0,4]}}"#, ["'w'", "dtype"]),
            (#"{"w":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}"#, ["'w'", "shape"]),
            (#"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, ["'w'", "shape"]),
            (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0,8]}}"#, ["'w'", "data_offsets"]),
            (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}"#, ["'w'", "out of range"]),
            (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,99999999999999999999999]}}"#, ["'w'", "data_offsets"]),
            (#"{"__metadata__":[1]}"#, ["__metadata__", "not a JSON object"]),
            (#""just a string""#, ["not an object"]),
        ]
        for (header, words) in cases {
            let message = refusal(safeTensorsBytes(header, data: [0, 0, 0, 0])) ?? ""
            for w in words { #expect(message.contains(w), "\(header) → \(message)") }
        }
    }

    @Test func nonUTF8HeaderIsRefused() {
        var d = Data()
        withUnsafeBytes(of: UInt64(8).littleEndian) { d.append(contentsOf: $0) }
        d.append(contentsOf: [0x7B, 0xFF, 0xFE, 0x80, 0x7D, 0x20, 0x20, 0x20])
        #expect(refusal(d)?.contains("invalid JSON header") == true)
    }

    @Test func writeFailureIsReportedAndLeavesNothingBehind() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-fail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Into a directory that does not exist: the temporary file cannot be created.
        let missing = dir.appendingPathComponent("no/such/dir/model.safetensors")
        let error = try #require(throws: SafeTensorsError.self) { try SafeTensors.write(["w": randn([2], seed: 3)], to: missing) }
        #expect(error.description.contains(missing.path) && error.description.contains("temporary"))
        // Over an existing directory: the rename fails, the old entry survives, no temp file is left.
        let occupied = dir.appendingPathComponent("taken.safetensors")
        try FileManager.default.createDirectory(at: occupied.appendingPathComponent("inside"), withIntermediateDirectories: true)
        let renameError = try #require(throws: SafeTensorsError.self) { try SafeTensors.write(["w": randn([2], seed: 4)], to: occupied) }
        #expect(renameError.description.contains("rename"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["taken.safetensors"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: occupied.path) == ["inside"])
    }
}

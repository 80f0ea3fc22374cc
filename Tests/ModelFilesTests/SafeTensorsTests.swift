// safetensors: round trips (memory and disk) and every corruption case refused with its
// message.

import Foundation
import Testing
@testable import ModelFiles
import TensorCore

@Suite("safetensors")
struct SafeTensorsTests {

    func floats(_ v: [Float]) -> [UInt8] { v.withUnsafeBytes { Array($0) } }

    func expectRefused(_ data: Data, _ error: SafeTensorsError, mentioning words: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: error, sourceLocation: sourceLocation) { try SafeTensors.decode(data) }
        for w in words { #expect(error.description.contains(w), "\(error.description)", sourceLocation: sourceLocation) }
    }

    @Test func roundTripInMemory() throws {
        let tensors = ["b": randn([3], seed: 1), "a.weight": randn([2, 3], seed: 2), "s": Tensor(scalar: 4),
                       "e": Tensor(zeros: [0, 5]), "q\"uote\\d": randn([1], seed: 3)]
        let data = SafeTensors.encode(tensors, metadata: ["format": "pt", "note": "é\n"])
        #expect(data.count % 8 == 0 || true)
        let header = data.subdata(in: 0..<8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(header % 8 == 0)
        let back = try SafeTensors.decode(data)
        #expect(back.metadata == ["format": "pt", "note": "é\n"])
        #expect(Set(back.tensors.keys) == Set(tensors.keys))
        for (name, t) in tensors {
            #expect(back.tensors[name]?.shape == t.shape)
            #expect(back.tensors[name]?.scalars == t.scalars)
        }
        #expect(try back.tensor("a.weight", shape: [2, 3]).scalars == tensors["a.weight"]!.scalars)
        #expect(throws: SafeTensorsError.shapeMismatch(name: "b", expected: [4], found: [3])) { try back.tensor("b", shape: [4]) }
        #expect(throws: SafeTensorsError.missingTensor("zz")) { try back.tensor("zz") }
    }

    @Test func roundTripOnDiskIsAtomic() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        try SafeTensors.write(["w": randn([4, 4], seed: 5)], to: url)
        try SafeTensors.write(["w": randn([4, 4], seed: 6)], metadata: ["step": "2"], to: url)   // replaces
        let back = try SafeTensors.read(from: url)
        #expect(back.tensors["w"]?.scalars == randn([4, 4], seed: 6).scalars)
        #expect(back.metadata["step"] == "2")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model.safetensors"])  // no temp left
        #expect(throws: SafeTensorsError.self) { try SafeTensors.read(from: dir.appendingPathComponent("missing")) }
    }

    @Test func acceptsUnpaddedHeaderAndUnorderedOffsets() throws {
        let d = safeTensorsBytes(#"{"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                     data: floats([1.5, -2]))
        let back = try SafeTensors.decode(d)
        #expect(back.tensors["x"]?.scalars == [1.5] && back.tensors["y"]?.scalars == [-2])
    }

    @Test func refusesTruncatedLength() {
        expectRefused(Data([1, 2, 3]), .truncated(size: 3), mentioning: ["truncated", "3 bytes"])
    }

    @Test func refusesHeaderLongerThanFile() {
        var d = safeTensorsBytes(#"{}"#, data: [])
        d[0] = 200
        expectRefused(d, .headerLengthOutOfRange(declared: 200, available: 8), mentioning: ["200", "exceeds"])
    }

    @Test func refusesTruncatedData() {
        let full = safeTensorsBytes(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: floats([1, 2]))
        expectRefused(full.dropLast(4), .offsetsOutOfRange(name: "w", begin: 0, end: 8, dataSize: 4),
                      mentioning: ["'w'", "out of range"])
    }

    @Test func refusesInvalidJSON() throws {
        let d = safeTensorsBytes(#"{"w": {"dtype": "F32""#, data: [])
        let error = try #require(throws: SafeTensorsError.self) { try SafeTensors.decode(d) }
        guard case .invalidJSON = error else { Issue.record("wrong error \(error)"); return }
        #expect(error.description.contains("invalid JSON header"))
        expectRefused(safeTensorsBytes("[1, 2]", data: []), .invalidJSON("the header is a JSON array, not an object"), mentioning: ["not an object"])
    }

    @Test func refusesOtherDTypes() {
        let d = safeTensorsBytes(#"{"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])
        expectRefused(d, .unsupportedDType(name: "w", dtype: "BF16"), mentioning: ["BF16", "only F32"])
    }

    @Test func refusesOffsetsOutOfRangeAndReversed() {
        expectRefused(safeTensorsBytes(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: floats([1])),
                      .offsetsOutOfRange(name: "w", begin: 4, end: 8, dataSize: 4), mentioning: ["[4, 8]"])
        expectRefused(safeTensorsBytes(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: floats([1])),
                      .offsetsOutOfRange(name: "w", begin: 4, end: 0, dataSize: 4), mentioning: ["out of range"])
    }

    @Test func refusesOverlap() {
        let d = safeTensorsBytes(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                     data: floats([1, 2, 3]))
        expectRefused(d, .overlappingTensors("a", "b"), mentioning: ["'a'", "'b'", "overlapping"])
    }

    @Test func refusesShapeByteMismatch() {
        let d = safeTensorsBytes(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: floats([1, 2]))
        expectRefused(d, .sizeMismatch(name: "w", shape: [3], bytes: 8), mentioning: ["needs 12 bytes", "span 8"])
    }

    @Test func refusesUncoveredBytes() {
        let d = safeTensorsBytes(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: floats([1, 2]))
        expectRefused(d, .uncoveredBytes(begin: 4, end: 8), mentioning: ["4..<8"])
    }

    @Test func refusesMalformedEntriesAndMetadata() {
        expectRefused(safeTensorsBytes(#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#, data: []),
                      .invalidEntry(name: "w", reason: "\"shape\" is not a list of non-negative integers"), mentioning: ["shape"])
        expectRefused(safeTensorsBytes(#"{"w":{"dtype":"F32","shape":[1]}}"#, data: floats([1])),
                      .invalidEntry(name: "w", reason: "\"data_offsets\" is not a list of two integers"), mentioning: ["data_offsets"])
        expectRefused(safeTensorsBytes(#"{"w":3}"#, data: []),
                      .invalidEntry(name: "w", reason: "entry is a JSON number, not an object"), mentioning: ["'w'"])
        expectRefused(safeTensorsBytes(#"{"__metadata__":{"k":1}}"#, data: []),
                      .invalidMetadata("value of 'k' is not a string"), mentioning: ["'k'"])
    }
}

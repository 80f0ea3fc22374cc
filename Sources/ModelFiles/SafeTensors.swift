// The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON
//   {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {"key": "value"}}
// (padded with spaces to a multiple of 8), then the raw little-endian data; offsets are
// relative to the start of the data section. Only F32 is read or written. Every check that
// can fail on a damaged file throws a SafeTensorsError naming the problem; nothing traps.

import Foundation
import Support
import TensorCore

/// The contents of a safetensors file: named tensors and string metadata.
public struct SafeTensorsFile {
    /// The tensors by name.
    public var tensors: [String: Tensor]
    /// The `__metadata__` map (empty if absent).
    public var metadata: [String: String]

    /// Bundles tensors and metadata.
    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Tensor names in sorted order.
    public var names: [String] { tensors.keys.sorted() }

    /// The tensor `name` with shape `shape`, or a throw saying what is missing or different.
    public func tensor(_ name: String, shape: [Int]? = nil) throws -> Tensor {
        guard let t = tensors[name] else { throw SafeTensorsError.missingTensor(name) }
        if let shape, shape != t.shape { throw SafeTensorsError.shapeMismatch(name: name, expected: shape, found: t.shape) }
        return t
    }
}

/// Encoding and decoding of safetensors, in memory and on disk.
///
/// ```swift
/// try SafeTensors.write(["w": w, "b": b], metadata: ["step": "100"], to: url)
/// let file = try SafeTensors.read(from: url)
/// let w2 = try file.tensor("w", shape: [4, 3])
/// ```
public enum SafeTensors {
    /// Serialises `tensors` (names sorted, data packed in that order) with `metadata`.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> Data {
        let names = tensors.keys.sorted()
        var entries: [String] = []
        var offset = 0
        for name in names {
            let t = tensors[name]!
            let bytes = t.count * 4
            entries.append("\(JSONValue.string(name).text):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(JSONValue.string($0).text):\(JSONValue.string(metadata[$0]!).text)" }
            entries.insert("\"__metadata__\":{\(pairs.joined(separator: ","))}", at: 0)
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for name in names {
            let t = tensors[name]!
            appendLittleEndian(t, to: &data)
        }
        return data
    }

    /// Parses a safetensors buffer, validating the header against the data section.
    /// - Throws: ``SafeTensorsError`` describing the first problem found.
    public static func decode(_ data: Data) throws -> SafeTensorsFile {
        guard data.count >= 8 else { throw SafeTensorsError.truncated(size: data.count) }
        let n = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n <= UInt64(data.count - 8) else {
            throw SafeTensorsError.headerLengthOutOfRange(declared: n, available: data.count - 8)
        }
        let headerStart = data.startIndex + 8
        let dataStart = headerStart + Int(n)
        let headerBytes = data[headerStart..<dataStart]
        let header: [String: JSONValue]
        let root: JSONValue
        do {
            root = try JSONValue(parsing: Array(headerBytes))
        } catch {
            throw SafeTensorsError.invalidJSON("the \(n)-byte header does not parse: \(error)")
        }
        guard case .object(let object) = root else {
            throw SafeTensorsError.invalidJSON("the header is a JSON \(root.kind), not an object")
        }
        header = object
        let dataSize = data.count - 8 - Int(n)
        var metadata: [String: String] = [:]
        var layout: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard case .object(let dict) = value else { throw SafeTensorsError.invalidMetadata("not a JSON object") }
                for (k, v) in dict {
                    guard case .string(let s) = v else { throw SafeTensorsError.invalidMetadata("value of '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            let entry = try parseEntry(name, value)
            guard entry.begin >= 0, entry.begin <= entry.end, entry.end <= dataSize else {
                throw SafeTensorsError.offsetsOutOfRange(name: name, begin: entry.begin, end: entry.end, dataSize: dataSize)
            }
            // The running product, in the order Tensor multiplies it: a shape like [2⁶², 2⁶², 0]
            // has zero elements but would overflow (and trap) on the way there.
            var elements = 1
            for d in entry.shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow else {
                    throw SafeTensorsError.invalidEntry(name: name, reason: "shape \(entry.shape) is too large to count its elements")
                }
                elements = product
            }
            guard elements <= dataSize / 4, elements * 4 == entry.end - entry.begin else {
                throw SafeTensorsError.sizeMismatch(name: name, shape: entry.shape, bytes: entry.end - entry.begin)
            }
            layout.append((name, entry.shape, entry.begin, entry.end))
        }
        // Byte ranges must not overlap and must cover the data section exactly.
        let sorted = layout.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        var last: String?
        for e in sorted where e.end > e.begin {
            if e.begin < covered { throw SafeTensorsError.overlappingTensors(last ?? "?", e.name) }
            if e.begin > covered { throw SafeTensorsError.uncoveredBytes(begin: covered, end: e.begin) }
            covered = e.end
            last = e.name
        }
        if covered < dataSize { throw SafeTensorsError.uncoveredBytes(begin: covered, end: dataSize) }
        var tensors: [String: Tensor] = [:]
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let base = raw.baseAddress! + 8 + Int(n)
            for e in layout {
                let t = Tensor(repeating: 0, shape: e.shape)
                readLittleEndian(base + e.begin, into: t)
                tensors[e.name] = t
            }
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    /// Writes `tensors` to `url` atomically: a temporary file in the same directory, then a
    /// rename over the destination, so readers never see a half-written checkpoint.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        let data = encode(tensors, metadata: metadata)
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try data.write(to: tmp)
        } catch {
            throw SafeTensorsError.io(path: url.path, reason: "cannot write temporary file: \(error.localizedDescription)")
        }
        if rename(tmp.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw SafeTensorsError.io(path: url.path, reason: "cannot rename temporary file into place: \(reason)")
        }
    }

    /// Writes a ``SafeTensorsFile`` (see ``write(_:metadata:to:)``).
    public static func write(_ file: SafeTensorsFile, to url: URL) throws {
        try write(file.tensors, metadata: file.metadata, to: url)
    }

    /// Reads and validates the safetensors file at `url`.
    public static func read(from url: URL) throws -> SafeTensorsFile {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw SafeTensorsError.io(path: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try decode(data)
    }

    // MARK: - Helpers

    static func parseEntry(_ name: String, _ value: JSONValue) throws -> (shape: [Int], begin: Int, end: Int) {
        guard case .object(let dict) = value else {
            throw SafeTensorsError.invalidEntry(name: name, reason: "entry is a JSON \(value.kind), not an object")
        }
        guard case .string(let dtype)? = dict["dtype"] else {
            throw SafeTensorsError.invalidEntry(name: name, reason: "missing or non-string \"dtype\"")
        }
        guard let shape = dict["shape"]?.integers, shape.allSatisfy({ $0 >= 0 }) else {
            throw SafeTensorsError.invalidEntry(name: name, reason: "\"shape\" is not a list of non-negative integers")
        }
        guard let off = dict["data_offsets"]?.integers, off.count == 2 else {
            throw SafeTensorsError.invalidEntry(name: name, reason: "\"data_offsets\" is not a list of two integers")
        }
        guard dtype == "F32" else { throw SafeTensorsError.unsupportedDType(name: name, dtype: dtype) }
        return (shape, off[0], off[1])
    }

    static func appendLittleEndian(_ t: Tensor, to data: inout Data) {
        #if _endian(little)
        data.append(UnsafeBufferPointer(start: t.data, count: t.count))
        #else
        for i in 0..<t.count { withUnsafeBytes(of: t.data[i].bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        #endif
    }

    static func readLittleEndian(_ src: UnsafeRawPointer, into t: Tensor) {
        #if _endian(little)
        UnsafeMutableRawPointer(t.data).copyMemory(from: src, byteCount: t.count * 4)
        #else
        for i in 0..<t.count { t.data[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        #endif
    }
}

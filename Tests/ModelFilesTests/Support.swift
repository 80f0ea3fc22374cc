// Shared helpers for the ModelFiles tests: seeded tensors, a small tokenizer, hand-built
// safetensors bytes.

import Support
import Datasets
import Foundation
import TensorCore

/// A seeded normal tensor (mean 0, std `std`).
func randn(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
    var rng = SplitMix64(seed: seed)
    return Tensor.randomNormal(shape, standardDeviation: std, rng: &rng)
}

enum Fixtures {
    /// A small tokenizer built from arithmetic problems.
    static func tokenizer() throws -> Tokenizer {
        Tokenizer(building: try Dataset.arith(n: 20, steps: 1...2, seed: 3))
    }
}

/// A hand-built safetensors file: the 8-byte little-endian header length, the header JSON
/// (padded with spaces to a multiple of 8), then `data` as the raw tensor bytes.
func safeTensorsBytes(_ header: String, data: [UInt8] = []) -> Data {
    var h = Array(header.utf8)
    while h.count % 8 != 0 { h.append(0x20) }
    var d = Data()
    withUnsafeBytes(of: UInt64(h.count).littleEndian) { d.append(contentsOf: $0) }
    d.append(contentsOf: h)
    d.append(contentsOf: data)
    return d
}

/// A fresh temporary directory's URL (not created).
func temporaryDirectory(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
}

// Rotary position embedding, Hugging Face "rotate half" convention, with explicit positions.

import Foundation
import TensorCore

/// Precomputed cos/sin of the rotary angles for positions `0..<maximumLength`.
///
/// Frequency `i` of a head of size `Dh` is `θ^(−2i/Dh)`; the angle at position `p` is
/// `p · freq_i`, computed in Float32 exactly as Hugging Face's `LlamaRotaryEmbedding` does so
/// that checkpoints reproduce its logits.
public struct RotaryTable: Sendable {
    /// Head size and half of it.
    public let headDimension: Int
    public let half: Int
    /// Number of positions in the table.
    public let maximumLength: Int
    /// `cos[p · half + i]`, `sin[p · half + i]`.
    let cos: [Float]
    let sin: [Float]

    /// Builds the table for heads of size `headDimension` (even) and base `theta`.
    public init(headDimension: Int, maximumLength: Int, theta: Double) {
        precondition(headDimension % 2 == 0, "rotary needs an even head size")
        self.headDimension = headDimension
        half = headDimension / 2
        self.maximumLength = maximumLength
        var c = [Float](repeating: 0, count: maximumLength * half)
        var s = c
        for i in 0..<half {
            let exponent = Float(2 * i) / Float(headDimension)
            let frequency = 1 / Float(Foundation.pow(theta, Double(exponent)))
            for p in 0..<maximumLength {
                let angle = Float(p) * frequency
                c[p * half + i] = Float(Foundation.cos(Double(angle)))
                s[p * half + i] = Float(Foundation.sin(Double(angle)))
            }
        }
        cos = c
        sin = s
    }
}

extension ModelOps {
    /// Rotates every head of `x` (`[..., D]` with `D = heads · Dh`) by the angle of its row's
    /// position: for each pair `(x₁, x₂) = (x[i], x[i + Dh/2])`,
    /// `(x₁·cos − x₂·sin, x₂·cos + x₁·sin)`. `positions` has one entry per row.
    public static func rotary(_ x: Tensor, positions: [Int], table: RotaryTable) -> Tensor {
        let profiled = Profiler.open(.elementwise)
        defer { Profiler.close(profiled) }
        let d = x.dim(-1), dh = table.headDimension, half = table.half
        let rows = x.count / d
        precondition(d % dh == 0 && positions.count == rows, "rotary: \(x.shape), \(positions.count) positions")
        let y = Tensor.uninitialized(x.shape)
        table.cos.withUnsafeBufferPointer { cosTable in
            table.sin.withUnsafeBufferPointer { sinTable in
                rotate(x.data, into: y.data, rows: rows, d: d, dh: dh, half: half,
                       positions: positions, cos: cosTable.baseAddress!, sin: sinTable.baseAddress!,
                       inverse: false, accumulate: false)
            }
        }
        if Autograd.needsGrad(x) {
            y.recordOp(inputs: [x]) { y in
                // The rotation is orthogonal: its backward is the rotation by −angle.
                table.cos.withUnsafeBufferPointer { cosTable in
                    table.sin.withUnsafeBufferPointer { sinTable in
                        let dx = x.gradTarget()
                        rotate(y.gradBuffer(), into: dx.pointer, rows: rows, d: d, dh: dh,
                               half: half, positions: positions, cos: cosTable.baseAddress!,
                               sin: sinTable.baseAddress!, inverse: true, accumulate: !dx.overwrite)
                    }
                }
            }
        }
        return y
    }

    /// The rotation kernel; `inverse` rotates by −angle, `accumulate` adds into `output`.
    @inline(__always)
    static func rotate(
        _ input: UnsafeMutablePointer<Float>, into output: UnsafeMutablePointer<Float>,
        rows: Int, d: Int, dh: Int, half: Int, positions: [Int],
        cos: UnsafePointer<Float>, sin: UnsafePointer<Float>, inverse: Bool, accumulate: Bool
    ) {
        let sign: Float = inverse ? -1 : 1
        for r in 0..<rows {
            let c = cos + positions[r] * half, s = sin + positions[r] * half
            for head in stride(from: 0, to: d, by: dh) {
                let xin = input + r * d + head, xout = output + r * d + head
                for i in 0..<half {
                    let x1 = xin[i], x2 = xin[i + half]
                    let a = x1 * c[i] - sign * x2 * s[i]
                    let b = x2 * c[i] + sign * x1 * s[i]
                    if accumulate {
                        xout[i] += a
                        xout[i + half] += b
                    } else {
                        xout[i] = a
                        xout[i + half] = b
                    }
                }
            }
        }
    }
}

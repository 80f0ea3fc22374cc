// Rotary position embedding in Hugging Face Llama's rotate-half convention.
// Notation: D = head dimension (even), h = D/2. For a position p and pair index i < h,
// angle = p · θ^(−2i/D); the pair (x[i], x[i+h]) is rotated by that angle:
//   y[i]   = x[i]·cos − x[i+h]·sin
//   y[i+h] = x[i+h]·cos + x[i]·sin
// which is HF's `x·cos + rotate_half(x)·sin` with cos/sin repeated over both halves.
// Backward rotates the gradient by −angle.

import Foundation

/// Where the time axis of a rank-4 activation sits.
public enum HeadLayout: Sendable {
    /// `[B, T, H, D]`: the natural output of a linear projection reshaped into heads.
    case batchTimeHeads
    /// `[B, H, T, D]`: PyTorch's attention layout.
    case batchHeadsTime
}

/// Applies rotary position embedding to queries or keys.
///
/// - Parameters:
///   - x: `[B, T, H, D]` (or `[B, H, T, D]` with `layout: .batchHeadsTime`), D even.
///   - positions: B·T absolute positions, row-major over (batch, time). Explicit per row, so
///     left padding and KV-cache offsets are expressed by the caller (e.g. `start + t`).
///   - theta: the RoPE base (Llama: 10000; Llama 3: 500000).
public func rotaryEmbedding(_ x: Tensor, positions: [Int], theta: Float = 10_000,
                            layout: HeadLayout = .batchTimeHeads) -> Tensor {
    let profiled = Profiler.open(.elementwise)
    defer { Profiler.close(profiled) }
    precondition(x.rank == 4 && x.shape[3] % 2 == 0, "rotaryEmbedding: need [B, T, H, D] with D even, got \(x.shape)")
    let (B, D) = (x.shape[0], x.shape[3])
    let (T, H) = layout == .batchTimeHeads ? (x.shape[1], x.shape[2]) : (x.shape[2], x.shape[1])
    precondition(positions.count == B * T, "rotaryEmbedding: \(positions.count) positions for B·T = \(B * T)")
    let half = D / 2
    // cos/sin only for the distinct positions present (a decode step needs one row).
    var maxPos = 0
    for p in positions {
        precondition(p >= 0, "rotaryEmbedding: negative position \(p)")
        maxPos = max(maxPos, p)
    }
    var slot = [Int32](repeating: -1, count: maxPos + 1)
    var distinct: [Int] = []
    for p in positions where slot[p] < 0 {
        slot[p] = Int32(distinct.count)
        distinct.append(p)
    }
    let table = Storage(count: distinct.count * D, zeroed: false)  // per slot: cos[h], sin[h]
    let tab = table.pointer
    for (s, p) in distinct.enumerated() {
        for i in 0..<half {
            let invFreq = 1 / Foundation.pow(Double(theta), Double(2 * i) / Double(D))
            let angle = Double(p) * Double(Float(invFreq))
            tab[s * D + i] = Float(Foundation.cos(angle))
            tab[s * D + half + i] = Float(Foundation.sin(angle))
        }
    }
    // Row r (one D-vector) → index into positions.
    let rows = x.count / D
    var rowSlot = [Int32](repeating: 0, count: rows)
    for r in 0..<rows {
        let bt: Int
        switch layout {
        case .batchTimeHeads: bt = r / H
        case .batchHeadsTime: bt = (r / (H * T)) * T + r % T
        }
        rowSlot[r] = slot[positions[bt]]
    }
    let out = Tensor(uninitialized: x.shape)
    let (px, po) = (x.data, out.data)
    rowSlot.withUnsafeBufferPointer { rs in
        for r in 0..<rows {
            let c = tab + Int(rs[r]) * D, s = c + half
            let xr = px + r * D, yr = po + r * D
            for i in 0..<half {
                let (a, b) = (xr[i], xr[i + half])
                yr[i] = a * c[i] - b * s[i]
                yr[i + half] = b * c[i] + a * s[i]
            }
        }
    }
    if Autograd.needsGrad(x) {
        out.recordOp(inputs: [x]) { out in
            let (g, gx) = (out.gradBuffer(), x.gradBuffer())
            rowSlot.withUnsafeBufferPointer { rs in
                for r in 0..<rows {
                    let c = tab + Int(rs[r]) * D, s = c + half
                    let gr = g + r * D, dr = gx + r * D
                    for i in 0..<half {
                        let (a, b) = (gr[i], gr[i + half])
                        dr[i] += a * c[i] + b * s[i]
                        dr[i + half] += b * c[i] - a * s[i]
                    }
                }
            }
            _ = table
        }
    }
    return out
}

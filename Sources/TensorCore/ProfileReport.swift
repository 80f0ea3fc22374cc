// ProfileReport: a window of the Profiler, as a table and as JSON. The rows sum to the window's
// wall time by construction (time in no scope is the "other / unattributed" row), so the figure
// that tells how complete the profile is, is that row's share.

import Foundation

/// Time per kind of op over a window of `steps` steps.
public struct ProfileReport: Sendable, Equatable {
    /// One kind of op in one phase.
    public struct Row: Sendable, Equatable {
        public var kind: ProfileKind
        public var backward: Bool
        public var seconds: Double
        /// Scopes of this kind opened in this phase.
        public var calls: Int

        public init(kind: ProfileKind, backward: Bool, seconds: Double, calls: Int) {
            (self.kind, self.backward, self.seconds, self.calls) = (kind, backward, seconds, calls)
        }

        /// "forward" or "backward" for ops; the optimizer and the rest have no phase of their own
        /// outside a backward pass.
        public var phase: String {
            if backward { return "backward" }
            switch kind {
            case .optimizer, .gradientReduction, .data, .synchronisation, .allocation, .autograd, .other: return "-"
            default: return "forward"
            }
        }
    }

    /// Wall time of the window on the thread that read it.
    public var seconds: Double
    public var steps: Int
    /// Non-zero rows in kind order, forward before backward.
    public var rows: [Row]

    public init(seconds: Double, steps: Int, rows: [Row]) {
        (self.seconds, self.steps, self.rows) = (seconds, steps, rows)
    }

    /// The sum of the rows (equals `seconds` up to rounding).
    public var attributedSeconds: Double { rows.reduce(0) { $0 + $1.seconds } }

    /// The share of the window in no scope.
    public var otherShare: Double {
        rows.filter { $0.kind == .other }.reduce(0) { $0 + $1.seconds } / max(seconds, 1e-12)
    }

    /// A text table, largest rows first: milliseconds per step, share, calls per step.
    public var table: String {
        let perStep = 1e3 / Double(steps)
        let sorted = rows.sorted { $0.seconds > $1.seconds }
        var lines: [[String]] = sorted.map { row in
            [row.kind.name, row.phase, format(row.seconds * perStep, 3), format(100 * row.seconds / max(seconds, 1e-12), 1) + " %",
             row.calls == 0 ? "" : format(Double(row.calls) / Double(steps), 1)]
        }
        lines.append(["total (sum of rows)", "", format(attributedSeconds * perStep, 3), format(100 * attributedSeconds / max(seconds, 1e-12), 1) + " %", ""])
        lines.append(["wall time of the window", "", format(seconds * perStep, 3), "100.0 %", ""])
        let header = ["kind", "phase", "ms/step", "share", "calls/step"]
        let widths = header.indices.map { c in ([header[c]] + lines.map { $0[c] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, s in
                let pad = String(repeating: " ", count: widths[c] - s.count)
                return c < 2 ? s + pad : pad + s
            }.joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + lines.map(line)).joined(separator: "\n")
            + "\n\(steps) step\(steps == 1 ? "" : "s") profiled; matmul rows by layout and rows M of C; "
            + "thread synchronisation = waiting for the other data-parallel worker"
    }

    /// One JSON object: `seconds`, `steps`, `step_ms` and the rows (kind, phase, ms per step,
    /// share, calls per step).
    public var json: String {
        let perStep = 1e3 / Double(steps)
        let items = rows.sorted { $0.seconds > $1.seconds }.map { row in
            "{\"kind\": \"\(row.kind.name)\", \"phase\": \"\(row.phase)\", \"ms_per_step\": \(format(row.seconds * perStep, 4)), "
                + "\"share\": \(format(row.seconds / max(seconds, 1e-12), 5)), \"calls_per_step\": \(format(Double(row.calls) / Double(steps), 2))}"
        }
        return "{\"seconds\": \(format(seconds, 6)), \"steps\": \(steps), \"step_ms\": \(format(seconds * perStep, 4)), "
            + "\"attributed_ms\": \(format(attributedSeconds * perStep, 4)), \"other_share\": \(format(otherShare, 5)), "
            + "\"rows\": [\(items.joined(separator: ", "))]}"
    }

    private func format(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}

// Colours that stay distinguishable for colour-blind readers: the Okabe–Ito qualitative
// palette for series, and a viridis-like perceptually ordered ramp for heatmaps.

import Foundation

enum Palette {
    /// Okabe–Ito, reordered so the first colours contrast most on white (yellow comes last).
    static let series = [
        "#0072B2",  // blue
        "#E69F00",  // orange
        "#009E73",  // bluish green
        "#D55E00",  // vermillion
        "#CC79A7",  // reddish purple
        "#56B4E9",  // sky blue
        "#000000",  // black
        "#F0E442",  // yellow
    ]

    static func color(_ index: Int) -> String {
        series[index % series.count]
    }

    /// Nine evenly spaced stops of the viridis ramp, dark purple to yellow.
    private static let ramp: [(Double, Double, Double)] = [
        (0x44, 0x01, 0x54), (0x47, 0x2D, 0x7B), (0x3B, 0x52, 0x8B), (0x2C, 0x72, 0x8E), (0x21, 0x91, 0x8C),
        (0x28, 0xAE, 0x80), (0x5E, 0xC9, 0x62), (0xAD, 0xDC, 0x30), (0xFD, 0xE7, 0x25),
    ]

    /// The ramp colour at `t` in 0…1, as `#rrggbb`.
    static func sequential(_ t: Double) -> String {
        let rgb = sequentialRGB(t)
        return hex(rgb.0, rgb.1, rgb.2)
    }

    /// Whether text on the ramp colour at `t` should be white rather than black.
    static func needsLightText(_ t: Double) -> Bool {
        let (r, g, b) = sequentialRGB(t)
        return 0.299 * r + 0.587 * g + 0.114 * b < 140
    }

    static func sequentialRGB(_ t: Double) -> (Double, Double, Double) {
        let clamped = t.isFinite ? min(max(t, 0), 1) : 0
        let position = clamped * Double(ramp.count - 1)
        let index = min(Int(position), ramp.count - 2)
        let f = position - Double(index)
        let (a, b) = (ramp[index], ramp[index + 1])
        return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }

    private static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        let digits = Array("0123456789abcdef")
        var out = "#"
        for component in [r, g, b] {
            let v = min(255, max(0, Int(component.rounded())))
            out.append(digits[v / 16])
            out.append(digits[v % 16])
        }
        return out
    }
}

/// Finite values of a series and how many were dropped, so the chart can say so.
struct CleanSeries {
    var values: [Double]
    var nonFinite = 0
    var nonPositive = 0

    /// Keeps finite values (and, for a log axis, positive ones).
    init(_ raw: [Double], log: Bool) {
        values = []
        values.reserveCapacity(raw.count)
        for v in raw {
            if !v.isFinite { nonFinite += 1 } else if log && v <= 0 { nonPositive += 1 } else { values.append(v) }
        }
    }

    /// Notes to draw on the plot for whatever was dropped.
    static func notes(nonFinite: Int, nonPositive: Int, what: String = "values") -> [String] {
        var notes: [String] = []
        if nonFinite > 0 { notes.append("\(nonFinite) non-finite \(nonFinite == 1 ? singular(what) : what) skipped") }
        if nonPositive > 0 { notes.append("\(nonPositive) non-positive \(nonPositive == 1 ? singular(what) : what) skipped (log scale)") }
        return notes
    }

    private static func singular(_ word: String) -> String {
        word.hasSuffix("s") ? String(word.dropLast()) : word
    }
}

/// Shared summary pieces.
enum Summary {
    /// `; 3 non-finite values skipped` for the summary line, or nothing.
    static func suffix(_ notes: [String]) -> String {
        notes.isEmpty ? "" : "; " + notes.joined(separator: "; ")
    }

    static func range(_ lo: Double, _ hi: Double) -> String {
        "\(NumberFormat.short(lo))…\(NumberFormat.short(hi))"
    }
}

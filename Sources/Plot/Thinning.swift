// Turning many points into one SVG path whose size follows the pixels, not the data: within
// each pixel column only the first, lowest, highest and last points can change what is drawn.

/// A point in pixel coordinates.
struct PixelPoint: Equatable {
    var x: Double
    var y: Double
}

enum Thinning {
    /// Keeps, for each run of consecutive points that fall into the same pixel column, the first,
    /// the lowest, the highest and the last (in their original order). When x goes back and forth
    /// (not a function of x), runs are cut into about `columns` chunks by index instead.
    /// The drawn shape is unchanged at pixel resolution.
    static func thin(_ points: [PixelPoint], columns: Int) -> [PixelPoint] {
        guard points.count > 4 * max(1, columns) else { return dedupe(points) }
        let monotonic = zip(points, points.dropFirst()).allSatisfy { $0.x <= $1.x } || zip(points, points.dropFirst()).allSatisfy { $0.x >= $1.x }
        var out: [PixelPoint] = []
        out.reserveCapacity(4 * columns + 4)
        var start = 0
        let chunk = max(1, points.count / max(1, 2 * columns))
        while start < points.count {
            var end = start + 1
            if monotonic {
                let column = points[start].x.rounded(.down)
                while end < points.count && points[end].x.rounded(.down) == column { end += 1 }
            } else {
                end = min(points.count, start + chunk)
            }
            appendExtremes(points, start..<end, to: &out)
            start = end
        }
        return dedupe(out)
    }

    private static func appendExtremes(_ points: [PixelPoint], _ range: Range<Int>, to out: inout [PixelPoint]) {
        var lowest = range.lowerBound, highest = range.lowerBound
        for i in range {
            if points[i].y < points[lowest].y { lowest = i }
            if points[i].y > points[highest].y { highest = i }
        }
        var kept = [range.lowerBound, lowest, highest, range.upperBound - 1]
        kept.sort()
        var previous = -1
        for i in kept where i != previous {
            out.append(points[i])
            previous = i
        }
    }

    /// Drops points that round to the same 0.1-pixel position as the one before.
    private static func dedupe(_ points: [PixelPoint]) -> [PixelPoint] {
        var out: [PixelPoint] = []
        out.reserveCapacity(points.count)
        var last: (String, String)?
        for p in points {
            let key = (fmt(p.x), fmt(p.y))
            if let last, last == key { continue }
            out.append(p)
            last = key
        }
        return out
    }

    /// Path data for polylines: `M x y x y …` per segment (implicit line-tos keep it short).
    static func pathData(_ segments: [[PixelPoint]]) -> String {
        var d = ""
        for segment in segments where !segment.isEmpty {
            d += d.isEmpty ? "M" : " M"
            for (index, p) in segment.enumerated() {
                d += index == 0 ? "\(fmt(p.x)) \(fmt(p.y))" : " \(fmt(p.x)) \(fmt(p.y))"
            }
            if segment.count == 1 { d += "h0.1" }
        }
        return d
    }
}

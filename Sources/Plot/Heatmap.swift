// Heatmaps: a matrix of values as coloured cells (row 0 at the top), a colour bar with ticks
// on the right, optional row and column labels, and the values written in the cells when the
// matrix is small. Matrices with more cells than pixels are averaged in blocks first.

import Foundation

extension Chart {
    /// A heatmap of `rows` (a list of equal-length rows), coloured on a viridis-like ramp.
    /// Non-finite cells are left grey and noted. `options.xScale`/`yScale` are ignored.
    /// - Throws: `PlotError` for an empty or ragged matrix, label lists of the wrong length, or
    ///   no finite value at all.
    public static func heatmap(
        _ rows: [[Double]], rowLabels: [String]? = nil, columnLabels: [String]? = nil,
        options: ChartOptions = ChartOptions()
    ) throws -> Chart {
        let options = try options.validated("heatmap")
        guard let first = rows.first, !first.isEmpty else {
            throw PlotError("heatmap: the data is empty; pass a list of equal-length lists of numbers")
        }
        let rowCount = rows.count, columnCount = first.count
        if let index = rows.firstIndex(where: { $0.count != columnCount }) {
            throw PlotError("heatmap: row \(index) has \(rows[index].count) values but row 0 has \(columnCount); rows must have equal length")
        }
        if let rowLabels, rowLabels.count != rowCount {
            throw PlotError("heatmap: \(rowLabels.count) row labels for \(rowCount) rows; they must match")
        }
        if let columnLabels, columnLabels.count != columnCount {
            throw PlotError("heatmap: \(columnLabels.count) column labels for \(columnCount) columns; they must match")
        }
        var finite: [Double] = []
        finite.reserveCapacity(rowCount * columnCount)
        for row in rows { finite.append(contentsOf: row.filter { $0.isFinite }) }
        guard let lo = finite.min(), let hi = finite.max() else {
            throw PlotError("heatmap: none of the \(rowCount * columnCount) values is a finite number")
        }
        let nonFinite = rowCount * columnCount - finite.count
        let notes = nonFinite > 0 ? ["\(nonFinite) non-finite cell\(nonFinite == 1 ? "" : "s") left blank"] : []
        let (colourLo, colourHi) = Axis.widenDegenerate(lo, hi, scale: .linear)

        let colourAxis = { (pixels: Double) in
            Axis.numeric(lo: colourLo, hi: colourHi, scale: .linear, pixels: pixels, fit: .exact, spacing: 42) { _ in 14 }
        }
        let roughLabels = colourAxis(Double(options.height) - 100).labels
        let colourBarRoom = 16 + 14 + 6 + (roughLabels.map { TextMetrics.width($0, size: Frame.tickSize) }.max() ?? 0) + 8
        let frame = Frame(
            options: options, notes: notes, rightExtra: colourBarRoom, categoricalX: true,
            makeX: { pixels in
                columnLabels.map { Axis.categorical(labels: $0) }
                    ?? Axis.indexed(count: columnCount, pixels: pixels) { TextMetrics.width($0, size: Frame.tickSize) }
            },
            makeY: { pixels in
                // Row 0 at the top: flip the tick positions, keep the labels.
                let axis = rowLabels.map { Axis.categorical(labels: $0) } ?? Axis.indexed(count: rowCount, pixels: pixels) { _ in 14 }
                return Axis(scale: .linear, lo: 0, hi: Double(rowCount),
                            ticks: axis.ticks.map { Double(rowCount) - $0 }, labels: axis.labels)
            })

        var svg = SVGDocument(width: options.width, height: options.height)
        // Blocks of cells that share a pixel are averaged into one rectangle.
        let rowStep = max(1, Int((Double(rowCount) / (frame.plotHeight / 3)).rounded(.up)))
        let columnStep = max(1, Int((Double(columnCount) / (frame.plotWidth / 3)).rounded(.up)))
        // Large grids: one path per colour level (64 levels) instead of one rect per cell.
        let blockCount = ((rowCount + rowStep - 1) / rowStep) * ((columnCount + columnStep - 1) / columnStep)
        let levels = 64
        var levelPaths: [String]? = blockCount > 2500 ? [String](repeating: "", count: levels + 1) : nil
        let cellWidth = frame.plotWidth / Double(columnCount) * Double(columnStep)
        let cellHeight = frame.plotHeight / Double(rowCount) * Double(rowStep)
        let writeValues = rowStep == 1 && columnStep == 1 && rowCount * columnCount <= 400 && cellHeight >= 14
            && finite.allSatisfy { TextMetrics.width(NumberFormat.short($0), size: 10) + 4 <= cellWidth }
        var texts: [(String, Double, Double, Bool)] = []
        for r in stride(from: 0, to: rowCount, by: rowStep) {
            for c in stride(from: 0, to: columnCount, by: columnStep) {
                var sum = 0.0, n = 0
                for rr in r..<min(rowCount, r + rowStep) {
                    for cc in c..<min(columnCount, c + columnStep) where rows[rr][cc].isFinite {
                        sum += rows[rr][cc]
                        n += 1
                    }
                }
                let x0 = frame.x(Double(c)), x1 = frame.x(Double(min(columnCount, c + columnStep)))
                let y0 = frame.y(Double(rowCount - r)), y1 = frame.y(Double(rowCount - min(rowCount, r + rowStep)))
                let t = (sum / Double(n) - colourLo) / (colourHi - colourLo)
                if levelPaths != nil {
                    // Level `levels` holds the blank (non-finite) cells.
                    let level = n > 0 ? min(levels - 1, Int(t * Double(levels))) : levels
                    levelPaths![level] += "M\(fmt(x0)) \(fmt(y0))h\(fmt(x1 - x0 + 0.3))v\(fmt(y1 - y0 + 0.3))h\(fmt(x0 - x1 - 0.3))z"
                    continue
                }
                guard n > 0 else {
                    svg.rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0, fill: "#dddddd")
                    continue
                }
                svg.rect(x: x0, y: y0, width: x1 - x0 + 0.3, height: y1 - y0 + 0.3, fill: Palette.sequential(t))
                if writeValues {
                    texts.append((NumberFormat.short(sum), (x0 + x1) / 2, (y0 + y1) / 2 + 3.5, Palette.needsLightText(t)))
                }
            }
        }
        for (level, d) in (levelPaths ?? []).enumerated() where !d.isEmpty {
            let fill = level == levels ? "#dddddd" : Palette.sequential((Double(level) + 0.5) / Double(levels))
            svg.element("path", [("d", d), ("fill", fill)])
        }
        if !texts.isEmpty {
            svg.beginGroup([("font-size", "10"), ("text-anchor", "middle")])
            for (text, x, y, light) in texts {
                svg.element("text", [("x", fmt(x)), ("y", fmt(y)), ("fill", light ? "#ffffff" : "#111111")], text: text)
            }
            svg.endGroup()
        }
        frame.drawChrome(&svg)
        drawColourBar(&svg, frame: frame, axis: colourAxis(frame.plotHeight))

        let summary = "heatmap of \(rowCount)×\(columnCount) values, range \(Summary.range(lo, hi))"
            + (rowStep > 1 || columnStep > 1 ? ", drawn in \(rowStep)×\(columnStep) blocks" : "")
            + Summary.suffix(notes)
        return Chart(kind: .heatmap, svg: svg.render(title: titleText(options, summary)), summary: summary)
    }

    /// A vertical colour bar right of the plot, low values at the bottom, with tick labels.
    private static func drawColourBar(_ svg: inout SVGDocument, frame: Frame, axis: Axis) {
        let x0 = frame.right + 16, barWidth = 14.0
        let steps = 48
        let stepHeight = frame.plotHeight / Double(steps)
        svg.beginGroup([("stroke", "none")])
        for i in 0..<steps {
            let t = (Double(i) + 0.5) / Double(steps)
            let y = frame.bottom - Double(i + 1) * stepHeight
            // Each strip reaches 1 px into the one below, so no seams show between them.
            svg.rect(x: x0, y: y, width: barWidth, height: min(stepHeight + 1, frame.bottom - y), fill: Palette.sequential(t))
        }
        svg.endGroup()
        svg.element("rect", [("x", fmt(x0)), ("y", fmt(frame.top)), ("width", fmt(barWidth)), ("height", fmt(frame.plotHeight)),
                             ("fill", "none"), ("stroke", "#444444"), ("stroke-width", "1")])
        svg.beginGroup([("fill", "#333333"), ("font-size", fmt(Frame.tickSize))])
        for (tick, label) in zip(axis.ticks, axis.labels) {
            let y = frame.bottom - axis.fraction(tick) * frame.plotHeight
            svg.element("line", [("x1", fmt(x0 + barWidth)), ("y1", fmt(y)), ("x2", fmt(x0 + barWidth + 4)), ("y2", fmt(y)),
                                 ("stroke", "#444444")])
            svg.element("text", [("x", fmt(x0 + barWidth + 6)), ("y", fmt(y + 4))], text: label)
        }
        svg.endGroup()
    }
}

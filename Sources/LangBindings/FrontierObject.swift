// The `frontier` object: a model's fixed-count frontier, its references, and the policies
// compared with it; it shows as the frontier plot.

import Support
import Foundation
import Lang
import Plot
import Training

/// `f.points` (a table: count, mean_length, accuracy, and accuracy by difficulty), `f.best` and
/// `f.oracle` (records), `f.compared` (a table: name, mean_length, accuracy, frontier, margin),
/// `f.plot`; as a cell's result, the plot.
public final class FrontierObject: HostObject {
    public let frontier: FixedCountFrontier
    public let compared: [(name: String, point: LengthAccuracy)]

    public init(frontier: FixedCountFrontier, compared: [(name: String, point: LengthAccuracy)]) {
        self.frontier = frontier
        self.compared = compared
    }

    var difficulties: [Int] { frontier.points.first?.byDifficulty.map(\.steps) ?? [] }

    var pointsTable: Table {
        Table(columns: ["count", "mean_length", "accuracy"] + difficulties.map { "\($0)-step" },
              rows: frontier.points.map { p in
                  [.int(p.count), .number(p.meanLength), .number(p.accuracy)] + p.byDifficulty.map { .number($0.accuracy) }
              })
    }

    var bestRecord: Value {
        guard let b = frontier.bestSingle else { return .null }
        return .record(Record([("count", .int(b.count)), ("mean_length", .number(b.meanLength)), ("accuracy", .number(b.accuracy))]))
    }

    var oracleRecord: Value {
        guard let o = frontier.oracle else { return .null }
        let counts = Record(o.countByDifficulty.map { ("\($0.steps)", Value.int($0.count)) })
        return .record(Record([("mean_length", .number(o.point.meanLength)), ("accuracy", .number(o.point.accuracy)),
                               ("counts", .record(counts))]))
    }

    var comparedTable: Table {
        Table(columns: ["name", "mean_length", "accuracy", "frontier", "margin"], rows: compared.map { c in
            let f = frontier.accuracy(atLength: c.point.meanLength)
            return [.string(c.name), .number(c.point.meanLength), .number(c.point.accuracy),
                    f.map(Value.number) ?? .null, f.map { .number(c.point.accuracy - $0) } ?? .null]
        })
    }

    /// Accuracy (%) against mean total length: the forced counts as a line, the best count, the
    /// oracle and every compared policy as single marked points.
    public var chart: Chart? {
        var series = [Series("forced 0…n latent steps", xs: frontier.points.map(\.meanLength),
                             ys: frontier.points.map { 100 * $0.accuracy })]
        if let b = frontier.bestSingle {
            series.append(Series("best single count (\(b.count))", xs: [b.meanLength], ys: [100 * b.accuracy]))
        }
        if let o = frontier.oracle {
            series.append(Series("per-difficulty oracle", xs: [o.point.meanLength], ys: [100 * o.point.accuracy]))
        }
        for c in compared { series.append(Series(c.name, xs: [c.point.meanLength], ys: [100 * c.point.accuracy])) }
        return try? Chart.line(series, options: ChartOptions(
            title: "fixed-count frontier", xLabel: "mean total reasoning length (latent steps + 2)", yLabel: "accuracy (%)"))
    }

    // MARK: HostObject

    public var typeName: String { "frontier" }

    public var plainText: String {
        var lines = ["frontier over forced counts \(frontier.points.map { String($0.count) }.joined(separator: ", "))"]
        if let b = frontier.bestSingle {
            lines.append("best single count: \(b.count) (\(Markup.percent(b.accuracy)), mean length \(Markup.short(b.meanLength)))")
        }
        if let o = frontier.oracle {
            let counts = o.countByDifficulty.map { "\($0.steps)-step \($0.count)" }.joined(separator: ", ")
            lines.append("per-difficulty oracle: \(Markup.percent(o.point.accuracy)) at mean length \(Markup.short(o.point.meanLength)) (\(counts))")
        }
        for row in comparedTable.rows {
            if case .string(let name) = row[0], case .number(let length) = row[1], case .number(let accuracy) = row[2] {
                var line = "\(name): \(Markup.percent(accuracy)) at mean length \(Markup.short(length))"
                if case .number(let margin) = row[4] { line += String(format: ", %+.1f points against the frontier", 100 * margin) }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n") + "\n" + pointsTable.plainText
    }

    public var html: String? { "<pre>\(TextFormat.htmlEscaped(plainText))</pre>" }
    public var svg: String? { chart?.svg }

    public var fieldNames: [String] { ["points", "best", "oracle", "compared", "plot"] }

    public func field(_ name: String) throws -> Value? {
        switch name {
        case "points": return .object(pointsTable)
        case "best": return bestRecord
        case "oracle": return oracleRecord
        case "compared": return .object(comparedTable)
        case "plot": return chart.map { .object(PlotObject($0)) } ?? .null
        default: return nil
        }
    }
}

// Live progress of a long builtin (sft, evaluate, …): one display, updated in place.

import Support
import Lang
import Plot

/// Shows the progress of a long builtin as one display that is updated in place: a `.display`
/// when the work starts, `.updateDisplay`s with the same id at most `5` times a second (the
/// first completed unit is always shown), and a final summary update.
///
/// The text form is one line — `sft ▕████░░░░░░▏ 120/300 steps  0:35 elapsed, ETA 0:52  loss 1.234`
/// — which a terminal rewrites with `\r`; the HTML form adds a bar and a small live loss curve.
final class ProgressDisplay {
    private let context: CallContext
    private let title: String
    private let unit: String
    private let id: String
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastUpdate: ContinuousClock.Instant?
    private(set) var total: Int
    /// When the work runs for a fixed time (`sft(…, seconds: 600)`), the bar and the ETA follow
    /// the clock rather than the planned count.
    private let timeBudget: Double?

    /// Shortest wall-clock gap between two updates, in seconds.
    static let minimumInterval = 0.2
    /// Width of the text bar in characters.
    static let barWidth = 24

    /// Emits the initial display (`0/total`).
    init(context: CallContext, title: String, unit: String, total: Int, timeBudget: Double? = nil) {
        self.context = context
        self.timeBudget = timeBudget
        self.title = title
        self.unit = unit
        self.total = max(0, total)
        id = context.newDisplayID()
        start = clock.now
        context.emit(.display(bundle(done: 0, metrics: [], curve: []), id: id))
    }

    /// Seconds since the display was created.
    var elapsed: Double {
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Shows `done` of `total` units with the latest metrics and, in HTML, a curve of `curve`.
    /// Skipped when the previous update is less than ``minimumInterval`` old (the first
    /// update always goes out).
    func update(done: Int, total newTotal: Int? = nil, metrics: [(String, Double)], curve: [Double] = []) {
        if let newTotal { total = max(0, newTotal) }
        let now = clock.now
        if let last = lastUpdate {
            let gap = now - last
            let seconds = Double(gap.components.seconds) + Double(gap.components.attoseconds) * 1e-18
            if seconds < Self.minimumInterval { return }
        }
        lastUpdate = now
        context.emit(.updateDisplay(bundle(done: done, metrics: metrics, curve: curve), id: id))
    }

    /// Replaces the display with its final form: one text line (the status and the first line of
    /// `summary`); in HTML the status above the whole of `summary`.
    func finish(status: String, summary: MimeBundle) {
        let firstLine = summary.plain.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        let plain = "\(title): \(status) — \(firstLine)"
        var html = "<div class=\"latent-progress\"><p>\(TextFormat.htmlEscaped(title)): \(TextFormat.htmlEscaped(status))</p>"
        if let body = summary.html { html += "\n" + body }
        html += "</div>"
        context.emit(.updateDisplay(MimeBundle(plain: plain, html: html), id: id))
    }

    // MARK: - Rendering

    private func bundle(done: Int, metrics: [(String, Double)], curve: [Double]) -> MimeBundle {
        let seconds = elapsed
        var fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        var eta = done > 0 && total > done ? seconds / Double(done) * Double(total - done) : (done >= total && total > 0 ? 0 : .nan)
        if let budget = timeBudget, budget > 0 {
            fraction = max(fraction, min(1, seconds / budget))
            eta = min(eta.isNaN ? .infinity : eta, max(0, budget - seconds))
        }
        // A run that ends on its time budget may have no real step count (rl with `seconds:` and
        // no `steps:` plans Int32.max): show the steps done, not an absurd total.
        let unbounded = timeBudget != nil && total >= Int(Int32.max)
        let counts = unbounded ? "\(done) \(unit)\(done == 1 ? "" : "s")" : "\(done)/\(total) \(unit)\(total == 1 ? "" : "s")"
        let times = "\(TextFormat.duration(seconds)) elapsed, ETA \(TextFormat.duration(eta))"
        let figures = metrics.map { "\($0.0) \(Markup.short($0.1))" }.joined(separator: "  ")

        let filled = Int((fraction * Double(Self.barWidth)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: Self.barWidth - filled)
        var plain = "\(title) ▕\(bar)▏ \(counts)  \(times)"
        if !figures.isEmpty { plain += "  " + figures }

        let percent = Markup.short((fraction * 1000).rounded() / 10)
        var html = "<div class=\"latent-progress\">\n"
        html += "<div><b>\(TextFormat.htmlEscaped(title))</b> \(TextFormat.htmlEscaped(counts)) · \(TextFormat.htmlEscaped(times))"
        if !figures.isEmpty { html += " · " + TextFormat.htmlEscaped(figures.replacingOccurrences(of: "  ", with: " · ")) }
        html += "</div>\n"
        html += "<div style=\"width:360px;height:10px;background:#e6e6e6;border-radius:3px;overflow:hidden\">"
        html += "<div style=\"width:\(percent)%;height:100%;background:#0072B2\"></div></div>\n"
        if curve.count >= 2, let chart = try? Chart.trainingCurve(
            values: curve, metric: "loss", options: ChartOptions(width: 360, height: 200)) {
            html += "<div>\(chart.svg)</div>\n"
        }
        html += "</div>"
        return MimeBundle(plain: plain, html: html)
    }
}

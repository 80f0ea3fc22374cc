// One axis: the data range it shows, how data maps onto it (linear or log), and its ticks at
// nice numbers (1, 2 or 5 times a power of ten), spaced so their labels never collide.

import Foundation

struct Axis {
    let scale: AxisScale
    /// The data range shown, low end first (positive for a log axis).
    let lo: Double
    let hi: Double
    /// Tick positions in data units, ascending, all inside `lo…hi`.
    let ticks: [Double]
    /// One label per tick.
    let labels: [String]

    /// Where `value` falls along the axis: 0 at `lo`, 1 at `hi`.
    func fraction(_ value: Double) -> Double {
        switch scale {
        case .linear: return (value - lo) / (hi - lo)
        case .log: return (log10(value) - log10(lo)) / (log10(hi) - log10(lo))
        }
    }

    /// How the data range is widened before ticks are chosen.
    enum Fit {
        /// A small margin on both sides (lines, scatter plots).
        case pad
        /// Out to the nearest ticks outside the data (counts, bars).
        case extend
        /// Exactly the data range (histogram edges, which already have their own margin).
        case exact
    }

    /// A numeric axis over the finite data range `lo…hi` drawn `pixels` long.
    /// `labelExtent` is the room one label takes along the axis (its width on an x axis,
    /// its height on a y axis), used to keep labels apart.
    static func numeric(
        lo rawLo: Double, hi rawHi: Double, scale: AxisScale, pixels: Double, fit: Fit,
        integerTicks: Bool = false, spacing: Double = 70, labelExtent: (String) -> Double
    ) -> Axis {
        var (lo, hi) = widenDegenerate(rawLo, rawHi, scale: scale)
        if scale == .log {
            return logAxis(lo: lo, hi: hi, pixels: pixels, fit: fit, spacing: spacing, labelExtent: labelExtent)
        }
        if fit == .pad {
            let margin = (hi - lo) * 0.04
            lo -= margin
            hi += margin
        }
        var target = max(2, Int(pixels / spacing))
        while true {
            var step = niceStep(span: hi - lo, target: target)
            if integerTicks { step = max(1, step) }
            // Never fewer than two ticks inside the range: step down 5 → 2 → 1 → 0.5 ….
            while linearTicks(lo: lo, hi: hi, step: step).count < 2 && !(integerTicks && step <= 1) {
                let magnitude = pow(10, floor(log10(step) + 1e-9))
                let multiple = (step / magnitude).rounded()
                step = multiple == 5 ? 2 * magnitude : (multiple == 2 ? magnitude : magnitude / 2)
            }
            var (axisLo, axisHi) = (lo, hi)
            if fit == .extend {
                axisLo = floor(lo / step + 1e-9) * step
                axisHi = ceil(hi / step - 1e-9) * step
            }
            let ticks = linearTicks(lo: axisLo, hi: axisHi, step: step)
            let labels = NumberFormat.tickLabels(ticks, step: step)
            let spacing = pixels * step / (axisHi - axisLo)
            let widest = labels.map(labelExtent).max() ?? 0
            if spacing >= widest + 10 || target <= 2 {
                return Axis(scale: .linear, lo: axisLo, hi: axisHi, ticks: ticks, labels: labels)
            }
            target -= 1
        }
    }

    /// Categories `0..<count` drawn as equal slots with the tick (and label) at each centre.
    static func categorical(labels: [String]) -> Axis {
        Axis(
            scale: .linear, lo: 0, hi: Double(labels.count),
            ticks: labels.indices.map { Double($0) + 0.5 }, labels: labels)
    }

    /// Slots `0..<count` labelled with their index, at nice integer steps when there are many.
    static func indexed(count: Int, pixels: Double, labelExtent: (String) -> Double) -> Axis {
        var target = max(2, min(count, Int(pixels / 40)))
        while true {
            let step = max(1, niceStep(span: Double(count), target: target))
            let indices = stride(from: 0.0, to: Double(count), by: step).map { $0 }
            let labels = indices.map { NumberFormat.fixed($0, decimals: 0) }
            let spacing = pixels * step / Double(count)
            let widest = labels.map(labelExtent).max() ?? 0
            if spacing >= widest + 6 || target <= 2 {
                return Axis(scale: .linear, lo: 0, hi: Double(count), ticks: indices.map { $0 + 0.5 }, labels: labels)
            }
            target -= 1
        }
    }

    // MARK: - Tick arithmetic

    /// The 1, 2 or 5 × 10^k closest (by ratio) to `span / target`.
    static func niceStep(span: Double, target: Int) -> Double {
        let raw = span / Double(max(1, target))
        let magnitude = pow(10, floor(log10(raw)))
        let candidates = [1.0, 2, 5, 10].map { $0 * magnitude }
        return candidates.min { abs(log($0 / raw)) < abs(log($1 / raw)) }!
    }

    /// The smallest 1, 2 or 5 × 10^k that is at least `value`.
    static func niceCeiling(_ value: Double) -> Double {
        let magnitude = pow(10, floor(log10(value)))
        for multiple in [1.0, 2, 5, 10] where multiple * magnitude >= value * (1 - 1e-9) {
            return multiple * magnitude
        }
        return 10 * magnitude
    }

    /// Multiples of `step` inside `lo…hi` (with a hair of tolerance for rounding).
    static func linearTicks(lo: Double, hi: Double, step: Double) -> [Double] {
        let first = ceil(lo / step - 1e-9)
        let last = floor(hi / step + 1e-9)
        guard first <= last, last - first < 1000 else { return [lo, hi] }
        return stride(from: first, through: last, by: 1).map { index in
            let value = index * step
            return abs(value) < step * 1e-9 ? 0 : value
        }
    }

    /// A range with no width (all values equal) gets one that shows the value in the middle.
    static func widenDegenerate(_ lo: Double, _ hi: Double, scale: AxisScale) -> (Double, Double) {
        let mid = (lo + hi) / 2
        let tooNarrow = hi - lo <= max(abs(mid) * 1e-12, Double.leastNormalMagnitude)
        guard tooNarrow else { return (lo, hi) }
        if scale == .log { return (mid / 2, mid * 2) }
        if mid == 0 { return (-1, 1) }
        let half = mid == mid.rounded() && abs(mid) < 100 ? 1 : abs(mid) * 0.1
        return (mid - half, mid + half)
    }

    private static func logAxis(
        lo rawLo: Double, hi rawHi: Double, pixels: Double, fit: Fit, spacing: Double, labelExtent: (String) -> Double
    ) -> Axis {
        var (lo, hi) = (rawLo, rawHi)
        if fit != .exact {
            let margin = (log10(hi) - log10(lo)) * 0.04
            lo = pow(10, log10(lo) - margin)
            hi = pow(10, log10(hi) + margin)
        }
        let firstDecade = Int(floor(log10(lo)))
        let lastDecade = Int(ceil(log10(hi)))
        let target = max(2, Int(pixels / max(spacing, 40)))
        // Candidate tick sets from dense to sparse: 1-2-5 per decade, 1-3, each decade, then
        // every second, fifth, … decade. The densest that fits wins.
        var candidates: [[Double]] = []
        for multiples in [[1.0, 2, 5], [1.0, 3], [1.0]] {
            candidates.append((firstDecade...lastDecade).flatMap { d in multiples.map { $0 * pow(10, Double(d)) } })
        }
        for every in [2, 5, 10, 20, 50, 100] where every < lastDecade - firstDecade {
            candidates.append((firstDecade...lastDecade).filter { $0 % every == 0 }.map { pow(10, Double($0)) })
        }
        var fallback: Axis?
        for candidate in candidates {
            let ticks = candidate.filter { $0 >= lo * (1 - 1e-9) && $0 <= hi * (1 + 1e-9) }
            guard ticks.count >= 2 else { continue }
            let labels = ticks.map(NumberFormat.logTickLabel)
            let axis = Axis(scale: .log, lo: lo, hi: hi, ticks: ticks, labels: labels)
            let widest = labels.map(labelExtent).max() ?? 0
            let gaps = zip(ticks, ticks.dropFirst()).map { (axis.fraction($1) - axis.fraction($0)) * pixels }
            fallback = axis
            if ticks.count <= target + 1 && (gaps.min() ?? pixels) >= widest + 10 { return axis }
        }
        if let fallback { return fallback }
        // Less than a decade: plain nice ticks read better than a lone power of ten.
        let step = niceStep(span: hi - lo, target: target)
        let linear = linearTicks(lo: lo, hi: hi, step: step).filter { $0 > 0 }
        return Axis(scale: .log, lo: lo, hi: hi, ticks: linear, labels: NumberFormat.tickLabels(linear, step: step))
    }
}

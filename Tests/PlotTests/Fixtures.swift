// One representative chart of every kind, built from deterministic data. The snapshot tests
// compare them with Snapshots/<name>.svg; the browser test renders those files.

import Foundation

@testable import Plot

enum Fixtures {
    /// Total reasoning lengths 2…12 as an evaluation reports them (latent steps + 2).
    static func reasoningLengths() -> [Double] {
        var random = FixtureRandom(seed: 7)
        return (0..<2000).map { _ in
            let steps = 1 + Int(random.uniform() * 4)  // 1…4 reference steps
            let extra = Int((random.uniform() * random.uniform()) * 7)
            return Double(min(12, steps + 1 + extra))
        }
    }

    static func lossCurve(count: Int = 300) -> [Double] {
        var random = FixtureRandom(seed: 3)
        return (0..<count).map { i in
            let t = Double(i)
            return 0.35 + 2.2 * exp(-t / 60) + 0.08 * random.normal()
        }
    }

    static let all: [(name: String, make: @Sendable () throws -> Chart)] = [
        ("histogram", {
            try Chart.histogram(reasoningLengths(), options: ChartOptions(
                title: "Total reasoning length after RL", xLabel: "reasoning length (latent steps + 2)", yLabel: "count"))
        }),
        ("histogram-integers", {
            // Before RL every answer took 6 latent steps: a fixed integer axis puts both pictures on one scale.
            try Chart.histogram(reasoningLengths(), bins: .integers(0...14), options: ChartOptions(
                title: "Total reasoning length after RL (test set)", xLabel: "total reasoning length (latent steps + 2)",
                yLabel: "test problems"))
        }),
        ("histogram-continuous", {
            var random = FixtureRandom(seed: 11)
            return try Chart.histogram((0..<1000).map { _ in 3 + random.normal() * 0.8 },
                                       options: ChartOptions(title: "Stop probability logits", xLabel: "logit", yLabel: "count"))
        }),
        ("line", {
            let xs = (0..<50).map { Double($0) }
            return try Chart.line([
                Series("latent", xs: xs, ys: xs.map { 0.2 + 0.6 * (1 - exp(-$0 / 12)) }),
                Series("chain of thought", xs: xs, ys: xs.map { 0.1 + 0.75 * (1 - exp(-$0 / 18)) }),
                Series("no CoT", xs: xs, ys: xs.map { 0.05 + 0.2 * (1 - exp(-$0 / 10)) }),
            ], options: ChartOptions(title: "Accuracy by epoch", xLabel: "epoch", yLabel: "accuracy"))
        }),
        ("bar", {
            try Chart.bar(labels: ["1 step", "2 steps", "3 steps", "4 steps"], values: [0.97, 0.88, 0.74, 0.61],
                          options: ChartOptions(title: "Accuracy by number of reference steps", yLabel: "accuracy"))
        }),
        ("scatter", {
            var random = FixtureRandom(seed: 5)
            let xs = (0..<400).map { _ in 2 + random.uniform() * 10 }
            let ys = xs.map { $0 * 0.8 + random.normal() * 1.2 }
            return try Chart.scatter(xs: xs, ys: ys, options: ChartOptions(
                title: "Latent steps used vs. reference length", xLabel: "reference chain length", yLabel: "latent steps"))
        }),
        ("heatmap", {
            let rows = (0..<6).map { r in (0..<8).map { c in (sin(Double(r) * 0.9) + cos(Double(c) * 0.6)) * 0.5 } }
            return try Chart.heatmap(rows, rowLabels: (1...6).map { "step \($0)" }, columnLabels: (0..<8).map { "h\($0)" },
                                     options: ChartOptions(title: "Attention to the question", xLabel: "head", yLabel: "latent step"))
        }),
        ("curve", {
            try Chart.trainingCurve(values: lossCurve(), metric: "loss", options: ChartOptions(title: "Distillation loss"))
        }),
        ("curve-small", {
            // The size of the live loss curve in training progress displays.
            try Chart.trainingCurve(values: lossCurve(count: 120), metric: "loss", options: ChartOptions(width: 360, height: 200))
        }),
        ("bar-many", {
            let labels = (1...14).map { "checkpoint \($0)" }
            return try Chart.bar(labels: labels, values: labels.indices.map { 0.4 + 0.04 * Double($0) - 0.3 * (Double($0 % 3) - 1) * 0.1 },
                                 options: ChartOptions(title: "Validation accuracy per checkpoint", yLabel: "accuracy"))
        }),
        ("curve-log", {
            try Chart.trainingCurve(values: lossCurve(count: 2000), metric: "loss",
                                    options: ChartOptions(title: "Loss (log scale)", yScale: .log))
        }),
    ]
}

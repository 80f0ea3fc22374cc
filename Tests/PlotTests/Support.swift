// Shared test helpers: deterministic fixture data, snapshot comparison, XML checks.

import Foundation
import Support
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import Plot

/// Fixture data drawn from the project's generator (Support's SplitMix64).
struct FixtureRandom {
    private var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { rng.next() }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { rng.nextUnitDouble() }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

enum Snapshot {
    /// The source folder of the reference SVGs (for LATENT_UPDATE_SNAPSHOTS=1).
    static let sourceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    /// Compares `chart.svg` with `Snapshots/<name>.svg` from the test bundle. With
    /// LATENT_UPDATE_SNAPSHOTS=1 it writes the reference into the source folder instead; with
    /// LATENT_PLOT_OUT=dir it also writes the SVG there (for the browser test).
    static func check(_ chart: Chart, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let environment = ProcessInfo.processInfo.environment
        if let out = environment["LATENT_PLOT_OUT"], !out.isEmpty {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try chart.write(toFile: out + "/\(name).svg")
        }
        if environment["LATENT_UPDATE_SNAPSHOTS"] == "1" {
            try Data(chart.svg.utf8).write(to: sourceFolder.appendingPathComponent("\(name).svg"))
            return
        }
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Snapshots/\(name).svg"),
              let data = FileManager.default.contents(atPath: url.path)
        else {
            Issue.record("snapshot \(name).svg is missing; run the tests with LATENT_UPDATE_SNAPSHOTS=1 to record it",
                         sourceLocation: sourceLocation)
            return
        }
        let reference = String(decoding: data, as: UTF8.self)
        if reference != chart.svg {
            let a = reference.split(separator: "\n", omittingEmptySubsequences: false)
            let b = chart.svg.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            let expected = line < a.count ? String(a[line]) : "<end>"
            let actual = line < b.count ? String(b[line]) : "<end>"
            Issue.record("""
                \(name).svg differs from its snapshot at line \(line + 1):
                  expected: \(expected.prefix(300))
                  actual:   \(actual.prefix(300))
                (if the change is intended, rerun with LATENT_UPDATE_SNAPSHOTS=1 and review the SVGs)
                """, sourceLocation: sourceLocation)
        }
    }
}

enum XMLCheck {
    /// Path of `xmllint` when installed.
    static let xmllint: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/xmllint"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// Runs `xmllint --noout` on `svg`; returns its complaints (empty when well-formed).
    static func lint(_ svg: String) throws -> String {
        guard let xmllint else { return "" }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("latent-plot-\(UUID().uuidString).svg")
        try Data(svg.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xmllint)
        process.arguments = ["--noout", "--nonet", file.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? "" : "xmllint exit \(process.terminationStatus): \(message)"
    }

    /// The SVG elements the charts may use.
    static let allowedElements: Set<String> = ["svg", "title", "defs", "g", "rect", "line", "path", "circle", "text"]

    /// Checks the SVG's structure with an XML parser: an `svg` root in the SVG namespace with
    /// a `viewBox`, only known elements, and a `title` first. Returns the problems found.
    static func structure(_ svg: String) -> [String] {
        let delegate = StructureDelegate()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = delegate
        if !parser.parse() {
            return ["not well-formed: \(parser.parserError.map { "\($0)" } ?? "unknown error")"]
        }
        return delegate.problems
    }

    private final class StructureDelegate: NSObject, XMLParserDelegate {
        var problems: [String] = []
        var elements: [String] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if elements.isEmpty {
                if name != "svg" { problems.append("root element is \(name), not svg") }
                if attributes["xmlns"] != "http://www.w3.org/2000/svg" { problems.append("root lacks the SVG namespace") }
                if attributes["viewBox"] == nil { problems.append("root lacks a viewBox") }
                if attributes["version"] != "1.1" { problems.append("root is not version 1.1") }
            } else if elements.count == 1 && name != "title" {
                problems.append("first child is \(name), not title")
            }
            if !XMLCheck.allowedElements.contains(name) { problems.append("unexpected element \(name)") }
            elements.append(name)
        }
    }
}

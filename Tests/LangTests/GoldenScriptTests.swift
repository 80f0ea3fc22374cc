// Runs the golden corpus: Scripts/**/*.lat, each carrying its expected output inline.
//
// A script is split into cells at lines that are exactly `# ---`; the cells run in order in one
// session, like notebook cells (line numbers stay those of the file). Inside a cell:
//   `# expect: text`          the next line of standard output
//   `# expect stderr: text`   the next line of standard error
//   `# expect result: text`   the cell's result (text/plain; one comment per line of it); a cell
//                             without one must have no result
//   `# expect error at L:C: Kind: message`   the error that stops the cell, and where
//   `# expect page: text`     a line of help text sent to the pager (anywhere in the page)
//   `# expect display: text`  a `show` display (text/plain)
//   `# expect html: text`     a fragment of the cell result's text/html
//   `# expect clear: wait`    a request to clear the cell's output (`wait` is true or false)
//   `# expect display html: text`  a fragment of a `show` display's text/html
//   `# interrupt after: s`    an interrupt requested s seconds into the cell (as Ctrl-C does)
//   `# input: text`           a line for `input(…)` (with no `# input`, input is refused)

import Foundation
import Testing
@testable import Lang

struct GoldenScript: CustomTestStringConvertible, Sendable {
    let name: String
    let text: String
    var testDescription: String { name }

    static func all() -> [GoldenScript] {
        guard let root = Bundle.module.url(forResource: "Scripts", withExtension: nil),
              let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        else { return [] }
        var scripts: [GoldenScript] = []
        for case let url as URL in walker where url.pathExtension == "lat" {
            let name = String(url.path.dropFirst(root.path.count + 1))
            scripts.append(GoldenScript(name: name, text: (try? String(contentsOf: url, encoding: .utf8)) ?? ""))
        }
        return scripts.sorted { $0.name < $1.name }
    }
}

/// What one cell should produce, read from its comments.
struct CellExpectations {
    var stdout: [(line: Int, text: String)] = []
    var stderr: [(line: Int, text: String)] = []
    var result: (line: Int, text: String)?
    var error: (line: Int, text: String)?
    var pages: [(line: Int, text: String)] = []
    var displays: [(line: Int, text: String)] = []
    var html: [(line: Int, text: String)] = []
    var clears: [String] = []
    var displayHTML: [(line: Int, text: String)] = []
    var interruptAfter: Double?
    var inputs: [String] = []

    init(lines: ArraySlice<String>, firstLine: Int) {
        for (k, line) in lines.enumerated() {
            let n = firstLine + k
            guard let r = line.range(of: "# expect") ?? line.range(of: "# input:") ?? line.range(of: "# interrupt after:")
            else { continue }
            let comment = String(line[r.lowerBound...].dropFirst(2))
            func value(after prefix: String) -> String? {
                guard comment.hasPrefix(prefix) else { return nil }
                let rest = comment.dropFirst(prefix.count)
                return String(rest.hasPrefix(" ") ? rest.dropFirst() : rest)
            }
            if let v = value(after: "expect:") { stdout.append((n, v)) }
            else if let v = value(after: "expect stderr:") { stderr.append((n, v)) }
            else if let v = value(after: "expect result:") { result = (result?.line ?? n, result.map { $0.text + "\n" + v } ?? v) }
            else if let v = value(after: "expect error at ") { error = (n, v) }
            else if let v = value(after: "expect page:") { pages.append((n, v)) }
            else if let v = value(after: "expect display:") { displays.append((n, v)) }
            else if let v = value(after: "expect html:") { html.append((n, v)) }
            else if let v = value(after: "expect clear:") { clears.append(v) }
            else if let v = value(after: "expect display html:") { displayHTML.append((n, v)) }
            else if let v = value(after: "interrupt after:") { interruptAfter = Double(v) }
            else if let v = value(after: "input:") { inputs.append(v) }
        }
    }
}

@Suite struct GoldenScriptTests {
    /// Scripts run on a thread with a known, large stack, so the recursion limits they test do
    /// not depend on the thread the test runner happens to use.
    @Test(arguments: GoldenScript.all())
    func script(_ script: GoldenScript) {
        onLargeStack { run(script) }
    }

    func run(_ script: GoldenScript) {
        let lines = script.text.components(separatedBy: "\n")
        var cells: [(start: Int, lines: ArraySlice<String>)] = []
        var start = 0
        for (k, line) in lines.enumerated() where line == "# ---" {
            cells.append((start + 1, lines[start..<k]))
            start = k + 1
        }
        cells.append((start + 1, lines[start...]))
        let session = Session()
        for cell in cells {
            let expect = CellExpectations(lines: cell.lines, firstLine: cell.start)
            let code = String(repeating: "\n", count: cell.start - 1) + cell.lines.joined(separator: "\n")
            if let delay = expect.interruptAfter {
                let interruption = session.interruption
                Thread {
                    Thread.sleep(forTimeInterval: delay)
                    interruption.request()
                }.start()
            }
            let (outcome, host) = session.run(code, inputs: expect.inputs)
            check(script.name, "stdout", expected: expect.stdout, actual: host.stdout)
            check(script.name, "stderr", expected: expect.stderr, actual: host.stderr)
            let actualError = outcome.error.map(Self.describe)
            #expect(actualError == expect.error?.text,
                    "\(script.name):\(expect.error?.line ?? cell.start): error \(actualError ?? "none"), expected \(expect.error?.text ?? "none")")
            if let result = expect.result {
                #expect(outcome.result?.plain == result.text, "\(script.name):\(result.line): result \(outcome.result?.plain ?? "none")")
            } else {
                // A cell whose last value is nil (or a statement) has no result; every other
                // result must be written down, so "no result" is checked too.
                #expect(outcome.result == nil, "\(script.name):\(cell.start): unexpected result \(outcome.result?.plain ?? "")")
            }
            for h in expect.html {
                #expect(outcome.result?.html?.contains(h.text) == true, "\(script.name):\(h.line): html \(outcome.result?.html ?? "none")")
            }
            let pages = host.events.compactMap { if case .page(let p) = $0 { return p } else { return nil } }.joined(separator: "\n")
            for p in expect.pages {
                #expect(pages.contains(p.text), "\(script.name):\(p.line): page lacks \(p.text): \(pages)")
            }
            let displays = host.events.compactMap { if case .display(let b, _) = $0 { return b.plain } else { return nil } }
            #expect(displays == expect.displays.map(\.text), "\(script.name):\(cell.start): displays \(displays)")
            let displayHTML = host.events.compactMap { if case .display(let b, _) = $0 { return b.html } else { return nil } }
                .joined(separator: "\n")
            for h in expect.displayHTML {
                #expect(displayHTML.contains(h.text), "\(script.name):\(h.line): display html \(displayHTML)")
            }
            let clears = host.events.compactMap { if case .clearOutput(let wait) = $0 { return String(wait) } else { return nil } }
            #expect(clears == expect.clears, "\(script.name):\(cell.start): clear requests \(clears)")
        }
    }

    /// `L:C: Kind: message` from an execution error's traceback.
    static func describe(_ e: ExecutionError) -> String {
        let at = e.traceback.first { $0.hasPrefix("at line ") }
        var position = "?:?"
        if let at {
            let numbers = at.split(whereSeparator: { !$0.isNumber }).map(String.init)
            if numbers.count >= 2 { position = "\(numbers[0]):\(numbers[1])" }
        }
        return "\(position): \(e.name): \(e.message)"
    }

    func check(_ name: String, _ stream: String, expected: [(line: Int, text: String)], actual: String) {
        var lines = actual.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        for (k, e) in expected.enumerated() {
            let got = k < lines.count ? lines[k] : "<nothing>"
            #expect(got == e.text, "\(name):\(e.line): \(stream) \(got.debugDescription), expected \(e.text.debugDescription)")
        }
        if lines.count > expected.count {
            Issue.record("\(name): unexpected \(stream) lines: \(lines[expected.count...].joined(separator: " | "))")
        }
    }
}

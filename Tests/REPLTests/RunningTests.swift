import Foundation
import Lang
import Support
import Testing

@testable import REPL

/// These tests share the process-wide Ctrl-C counter, so they run one at a time.
@Suite("Running code in the REPL and as scripts", .serialized)
struct RunningTests {
    @Test("the loop runs entries, prints results, shows continuation prompts and survives errors")
    func loop() {
        let reader = ScriptedReader(["x = 20", "fn double(a) {", "  a * 2", "}", "double(x) + 2", "nosuch", "print(\"still here\")"])
        let output = RecordingOutput()
        let repl = Repl(session: Session(), reader: reader, output: output, interactive: false,
                        plots: PlotFiles(directory: temporaryFolder()))
        #expect(repl.run() == 0)
        #expect(output.stdout == "42\nstill here\n")
        #expect(output.stderr.hasPrefix("NameError: "))
        #expect(reader.prompts == [Repl.prompt, Repl.prompt, Repl.continuationPrompt, Repl.continuationPrompt,
                                   Repl.prompt, Repl.prompt, Repl.prompt, Repl.prompt])
    }

    @Test("input() in the REPL reads the next line")
    func input() {
        let reader = ScriptedReader(["name = input(\"who? \")", "Ada", "\"hi \" + name"])
        let output = RecordingOutput()
        let repl = Repl(session: Session(), reader: reader, output: output, interactive: false)
        _ = repl.run()
        #expect(reader.prompts.contains("who? "))
        #expect(output.stdout == "\"hi Ada\"\n")
    }

    @Test("Ctrl-C stops a running endless loop and the session lives on")
    func interrupt() {
        let session = Session()
        let output = RecordingOutput()
        let repl = Repl(session: session, reader: ScriptedReader([]), output: output, interactive: false)
        // A plain thread, not a dispatch queue: the test runner's pools may be busy with other tests.
        // The loop is finite (minutes), so a broken interrupt fails the test instead of hanging it;
        // how fast the interrupt lands is not asserted (CI machines are shared and noisy).
        Thread {
            Thread.sleep(forTimeInterval: 0.2)
            InterruptSignal.simulate()
        }.start()
        repl.execute("n = 0\nwhile n < 1e9 { n = n + 1 }")
        #expect(output.stderr.hasPrefix("Interrupted"))
        repl.execute("n > 0")
        #expect(output.stdout == "true\n")
    }

    @Test("a script prints its output, ignores its result, and exits 0")
    func script() {
        let output = RecordingOutput(isTerminal: false)
        let status = ScriptRunner.run("print(1 + 1)\n\"ignored\"", session: Session(), output: output)
        #expect(status == 0)
        #expect(output.stdout == "2\n")
        #expect(output.stderr.isEmpty)
    }

    @Test("a script error goes to standard error with exit status 1; output before it stays")
    func scriptError() {
        let output = RecordingOutput(isTerminal: false)
        let status = ScriptRunner.run("print(\"before\")\nx = 1 / nosuch\nprint(\"after\")", session: Session(), output: output)
        #expect(status == 1)
        #expect(output.stdout == "before\n")
        #expect(output.stderr.hasPrefix("NameError: "))
    }

    @Test("input() fails cleanly when standard input is the script")
    func scriptInput() {
        let output = RecordingOutput(isTerminal: false)
        let status = ScriptRunner.run("input(\"x? \")", session: Session(), output: output, stdinIsScript: true)
        #expect(status == 1)
        #expect(output.stderr.hasPrefix("IOError: "))
    }

    @Test("loading a missing script names it")
    func missingScript() {
        #expect(throws: ScriptError.self) { try ScriptRunner.load("/nonexistent/script.lat") }
    }
}

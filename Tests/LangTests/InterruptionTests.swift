// Interrupts from another thread stop loops, recursion and builtins quickly; no input crashes.

import Foundation
import Testing
@testable import Lang

/// Lets a test hand a session to another thread (the test makes sure only one uses it at a time).
final class Shared<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

@Suite struct InterruptionTests {
    /// Runs `code` on a large-stack thread, requests an interrupt from another thread after `delay`
    /// seconds, and returns the outcome and how long after the request execution stopped.
    ///
    /// The latency is returned for diagnostics only: how fast the interrupt lands is measured by
    /// benchmarks, not asserted here, since CI machines are shared and noisy. Every program given
    /// to this helper is finite (minutes long), so a broken interrupt fails the test instead of
    /// hanging it.
    func interrupt(_ code: String, session: Session = Session(), after delay: Double = 0.2) -> (ExecutionOutcome, Double) {
        let box = Shared(session)
        let result = Shared(NSMutableArray())
        let interruption = session.interruption
        // A plain thread, not a dispatch queue: the test runner's pools may be busy with other tests.
        let trigger = Thread {
            Thread.sleep(forTimeInterval: delay)
            result.value.add(Date())
            interruption.request()
        }
        trigger.start()
        onLargeStack {
            let outcome = box.value.execute(code, host: RecordingHost())
            result.value.add(Shared(outcome))
            result.value.add(Date())
        }
        let requested = result.value[0] as? Date ?? Date()
        let outcome = (result.value[1] as? Shared<ExecutionOutcome>)?.value ?? ExecutionOutcome()
        let stopped = result.value[2] as? Date ?? Date()
        return (outcome, stopped.timeIntervalSince(requested))
    }

    @Test func stopsAnEndlessWhileLoop() {
        let (outcome, _) = interrupt("n = 0\nwhile n < 1e9 { n = n + 1 }")
        #expect(outcome.error?.name == "Interrupted")
        #expect(outcome.error?.traceback.contains("at line 2, column 1:") == true)
    }

    @Test func stopsALongForLoopAndKeepsNames() {
        let s = Session()
        let (outcome, _) = interrupt("kept = 1\nfor i in 0..<1e15 { }", session: s)
        #expect(outcome.error?.name == "Interrupted")
        #expect(s.value(named: "kept") == 1)
        #expect(s.execute("kept + 1", host: RecordingHost()).result?.plain == "2")
    }

    @Test func stopsDeepRecursionLoops() {
        let (outcome, _) = interrupt("fn spin(n) { if n > 30 { 0 } else { spin(n + 1) + spin(n + 1) } }\nspin(0)")
        #expect(outcome.error?.name == "Interrupted")
    }

    @Test func builtinsPollTheFlag() {
        let steps = Builtin(name: "steps", summary: "Runs steps until interrupted.", example: "steps()") { _, context in
            for _ in 0..<200_000 {  // about 3 minutes when nothing interrupts it
                try context.checkInterrupted()
                usleep(1000)
            }
            return .null
        }
        let (outcome, _) = interrupt("steps()", session: Session(builtins: [steps]))
        #expect(outcome.error == ExecutionError(name: "Interrupted", message: "execution interrupted",
                                                traceback: ["Interrupted: execution interrupted", "at line 1, column 6:", "    steps()", "         ^"]))
    }

    @Test func anInterruptBeforeExecutionDoesNotStopTheNextOne() {
        let s = Session()
        s.interrupt()
        #expect(s.execute("1 + 1", host: RecordingHost()).result?.plain == "2")
    }

    @Test func aHeldInterruptSurvivesTheStartOfTheNextExecutionUntilReleased() {
        // The kernel holds an interrupt when it cannot tell whether the cell it targets has
        // cleared the flag yet; the cell that starts next is stopped, the one after is not.
        let session = Session()
        session.interruption.requestAndHold()
        #expect(session.execute("x = 1", host: RecordingHost()).error?.name == "Interrupted")
        #expect(session.execute("y = 2", host: RecordingHost()).error?.name == "Interrupted")
        session.interruption.release()
        #expect(session.execute("z = 3\nz", host: RecordingHost()).result?.plain == "3")
        #expect(session.value(named: "x") == nil)
    }

    @Test func runawayRecursionIsAnErrorOnASmallStack() {
        let result = Shared(NSMutableArray())
        onThread(stackSize: 512 << 10) {
            let s = Session()
            s.maxCallDepth = 1_000_000
            let outcome = s.execute("fn f(n) { 1 + f(n + 1) }\nf(0)", host: RecordingHost())
            result.value.add(outcome.error?.message ?? "no error")
        }
        #expect((result.value[0] as? String)?.hasPrefix("recursion too deep") == true)
    }

    @Test func aRunawayRecursionsTracebackNamesTheRepeatedCallOnce() {
        let outcome = Session().execute("fn g(n) { f(n) }\nfn f(n) { f(n + 1) }\ng(0)", host: RecordingHost())
        let traceback = outcome.error?.traceback ?? []
        #expect(outcome.error?.message.hasPrefix("recursion too deep") == true)
        // 20 frames are kept (all `f`), one line for the run of them; the other ~980 are counted.
        #expect(traceback.filter { $0.hasPrefix("in f, called at line 2") }.count == 1)
        #expect(traceback.contains("(the line above 19 more times)"))
        #expect(traceback.last?.hasPrefix("(and ") == true && traceback.last?.hasSuffix(" outer calls not shown)") == true)
        #expect(traceback.count < 10)
    }

    @Test func differentFramesAreAllShown() {
        let outcome = Session().execute("fn a() { 1 / \"x\" }\nfn b() { a() }\nb()", host: RecordingHost())
        let frames = (outcome.error?.traceback ?? []).filter { $0.hasPrefix("in ") || $0.hasPrefix("(") }
        #expect(frames == ["in a, called at line 2, column 11", "in b, called at line 3, column 2"])
    }
}

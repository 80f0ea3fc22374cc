import Testing
@testable import Lang

/// Values that would not fit in the memory left are refused before they are built. The
/// end-to-end check (a loop of large strings under `ulimit -v`) is in tests/test_crafted_inputs.py.
@Suite struct MemoryBudgetTests {
    @Test func anAllocationBeyondTheMemoryLeftIsAValueErrorWithTheEstimate() {
        do {
            try Operators.checkMemory(bytes: Int.max / 2, "joining these strings with '+'")
            Issue.record("an allocation of Int.max / 2 bytes passed")
        } catch let error as RuntimeError {
            #expect(error.kind == .valueError)
            #expect(error.message.hasPrefix("joining these strings with '+' needs about"), "\(error.message)")
            #expect(error.message.contains("of memory is available"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: Never.self) { try Operators.checkMemory(bytes: 1 << 20, "a small string") }
    }

    @Test func appendStopsAtTheListLimit() {
        let session = Session()
        session.setValue(.list(Array(repeating: .number(0), count: Operators.maxElements)), named: "xs")
        let outcome = session.execute("append(xs, 1)", host: RecordingHost())
        #expect(outcome.error?.name == "ValueError")
        #expect(outcome.error?.message.contains("a list may have at most 10000000") == true, "\(String(describing: outcome.error))")
    }
}

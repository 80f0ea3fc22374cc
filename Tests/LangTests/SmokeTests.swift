import Testing
@testable import Lang

@Suite struct SmokeTests {
    @Test func arithmeticAndPrint() {
        let s = Session()
        let (outcome, host) = s.run("x = 123 + 456\nprint(x)\nx * 2")
        #expect(outcome.error == nil)
        #expect(host.stdout == "579\n")
        #expect(outcome.result?.plain == "1158")
    }
}

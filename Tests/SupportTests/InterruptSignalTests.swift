// The Ctrl-C counter and its watcher (a simulated press stands in for SIGINT).

import Foundation
import Support
import Synchronization
import Testing

@Suite struct InterruptSignalTests {
    final class Presses: Sendable {
        let seen = Mutex<[Int]>([])
    }

    @Test func aWatcherReportsEachNewPressOnce() async throws {
        let presses = Presses()
        let watcher = InterruptWatcher(interval: 5) { n in presses.seen.withLock { $0.append(n) } }
        defer { watcher.stop() }
        let before = InterruptSignal.count
        InterruptSignal.simulate()
        #expect(InterruptSignal.count == before + 1)
        for _ in 0..<400 where presses.seen.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))   // more checks without a new press report nothing
        InterruptSignal.simulate()
        for _ in 0..<400 where presses.seen.withLock({ $0.count < 2 }) { try await Task.sleep(for: .milliseconds(5)) }
        // Other suites may simulate presses meanwhile: the reports only ever grow, one per change.
        let seen = presses.seen.withLock { $0 }
        #expect(seen.count >= 2 && seen.first! >= 1 && seen.last! >= 2)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 < $1 })
    }
}

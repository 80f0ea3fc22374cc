// The op-level profiler: products land in the row of their layout and size, a backward closure
// in the backward phase under the kind its op was recorded with, a parallel region adds the
// workers' mean and the wait, and the rows always sum to the window (the "other" row holds what
// no scope covered). Profiling is switched on by the first of these tests and left on for the
// rest of the test process (other suites run concurrently; switching it off under them could
// cut a window of another test short), which costs only bookkeeping.

import Dispatch
import Foundation
import Support
import Testing
@testable import TensorCore

@Suite("Profiler", .serialized)
struct ProfilerTests {
    @Test func productsAreClassifiedByLayoutAndRows() {
        #expect(ProfileKind.matmul(m: 2, transposeA: false, transposeB: true) == .matmulABtTiny)
        #expect(ProfileKind.matmul(m: 8, transposeA: false, transposeB: false) == .matmulABSmall)
        #expect(ProfileKind.matmul(m: 128, transposeA: true, transposeB: false) == .matmulAtBMedium)
        #expect(ProfileKind.matmul(m: 256, transposeA: true, transposeB: true) == .matmulAtBtLarge)
        #expect(ProfileKind.matmulABtTiny.name == "matmul A·Bᵀ, M 1–7")
        #expect(ProfileKind.allCases.filter(\.isMatmul).count == 16)
        #expect(Set(ProfileKind.allCases.map(\.name)).count == ProfileKind.allCases.count)
    }

    @Test func forwardAndBackwardLandInTheirRowsAndSumToTheWindow() throws {
        Profiler.isEnabled = true
        Profiler.reset()
        let x = Tensor.parameter(randn([40, 64], seed: 1)), w = Tensor.parameter(randn([32, 64], seed: 2))
        let g = Tensor.parameter(Tensor(repeating: 1, shape: [32]))
        let loss = rmsNorm(linear(x, weight: w), weight: g).square().mean()
        loss.backward()
        let r = Profiler.report(steps: 1)
        func row(_ kind: ProfileKind, backward: Bool) -> ProfileReport.Row? {
            r.rows.first { $0.kind == kind && $0.backward == backward }
        }
        #expect(row(.matmulABtMedium, backward: false)?.calls == 1, "the forward x·Wᵀ of 40 rows")
        #expect(row(.matmulABMedium, backward: true) != nil, "dX = dY·W, 40 rows")
        #expect(row(.matmulAtBMedium, backward: true) != nil, "dW = dYᵀ·X, 32 rows")
        #expect(row(.norm, backward: false) != nil && row(.norm, backward: true) != nil)
        #expect(row(.autograd, backward: true) != nil)
        #expect(row(.allocation, backward: false) != nil)
        #expect(abs(r.attributedSeconds - r.seconds) <= 1e-6 * max(1, r.seconds))
        // Both renderings carry every row.
        #expect(r.table.contains("matmul A·Bᵀ, M 32–255") && r.table.contains("backward"))
        guard case .object(let json) = try JSONValue(parsing: r.json), case .array(let rows)? = json["rows"] else {
            Issue.record("the profile's JSON is not an object with rows: \(r.json)")
            return
        }
        #expect(rows.count == r.rows.count)
    }

    @Test func aParallelRegionAddsTheWorkersMeanAndTheWait() {
        Profiler.isEnabled = true
        Profiler.reset()
        let region = Profiler.beginRegion(workers: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            Profiler.worker(region, i) {
                // Worker 0 works about 2 ms, worker 1 at once returns: the caller waits for 0.
                Profiler.measure(.elementwise) {
                    let clock = ContinuousClock(), start = clock.now
                    var x = 0.0
                    while i == 0 && clock.now - start < .milliseconds(2) { x += 1 }
                    precondition(x >= 0)
                }
            }
        }
        Profiler.endRegion(region)
        let r = Profiler.report()
        let work = r.rows.filter { $0.kind == .elementwise }.reduce(0) { $0 + $1.seconds }
        let wait = r.rows.filter { $0.kind == .synchronisation }.reduce(0) { $0 + $1.seconds }
        #expect(work >= 0.0009, "half of worker 0's 2 ms, got \(work)")
        #expect(wait >= 0.0009, "the caller waited for the slower worker, got \(wait)")
        #expect(abs(r.attributedSeconds - r.seconds) <= 1e-6 * max(1, r.seconds))
    }
}

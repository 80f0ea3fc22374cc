// The project's one generator: reference output, determinism, ranges, shuffles.

import Support
import Testing

@Suite("SplitMix64")
struct SplitMix64Tests {
    @Test func matchesTheReferenceImplementation() {
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)   // first output of the reference splitmix64.c
        var unit = SplitMix64(seed: 5)
        for _ in 0..<1000 {
            let x = unit.nextUnitDouble(), f = unit.nextUniformFloat()
            #expect((0..<1).contains(x) && (0..<1).contains(f))
        }
    }

    @Test func rangesAndDeterminism() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
        var rng = SplitMix64(seed: 1)
        var seen = Set<Int>()
        for _ in 0..<2000 {
            let value = rng.int(in: -3...3)
            #expect((-3...3).contains(value))
            seen.insert(value)
        }
        #expect(seen.count == 7)
        #expect(rng.int(in: 5...5) == 5)
        _ = rng.int(in: Int.min...Int.max)  // the full range does not trap
        var items = Array(0..<50)
        rng.shuffle(&items)
        #expect(items.sorted() == Array(0..<50) && items != Array(0..<50))
    }
}

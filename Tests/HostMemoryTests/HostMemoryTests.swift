import Glibc
@testable import HostMemory
import Testing

@Suite struct HostMemoryTests {
    @Test func readsTheMachinesAvailableMemory() throws {
        let free = try #require(HostMemory.meminfoAvailable())
        #expect(free > 0)
        let available = try #require(HostMemory.available())
        #expect(available <= free)
    }

    @Test func smallRequestsPassAndImpossibleOnesAreRefusedWithTheEstimateAndTheLimit() throws {
        try HostMemory.check(1000, for: "a small list")
        do {
            try HostMemory.check(Int.max / 2, for: "a huge model")
            Issue.record("an allocation of Int.max / 2 bytes was not refused")
        } catch {
            #expect(error.description.hasPrefix("a huge model needs about"))
            #expect(error.description.contains("of memory is available"))
            #expect(error.bytes == Int.max / 2)
        }
    }

    @Test func kibibyteFieldsAndNumberFiles() {
        let text = "MemTotal:       24000000 kB\nMemAvailable:    1000 kB\n"
        #expect(HostMemory.kibibytes(field: "MemAvailable:", in: text) == 1_024_000)
        #expect(HostMemory.kibibytes(field: "Missing:", in: text) == nil)
        #expect(HostMemory.kibibytes(field: "Big:", in: "Big: 99999999999999999999 kB") == nil)
        #expect(HostMemory.number("max\n") == nil)
        #expect(HostMemory.number("4096\n") == 4096)
    }

    @Test func formatsSizes() {
        #expect(HostMemory.format(512) == "512 B")
        #expect(HostMemory.format(1536) == "1.5 KiB")
        #expect(HostMemory.format(3 << 30) == "3.0 GiB")
    }

    @Test func theAddressSpaceHeadroomIsNilWithoutALimit() throws {
        // A limit is checked end to end in tests/test_crafted_inputs.py, where the binary runs
        // under `ulimit -v` (lowering it here would starve the tests running beside this one).
        var limit = rlimit()
        try #require(getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0)
        if limit.rlim_cur == rlim_t.max { #expect(HostMemory.addressSpaceHeadroom() == nil) }
        let status = try #require(HostMemory.readSmallFile("/proc/self/status"))
        #expect(try #require(HostMemory.kibibytes(field: "VmSize:", in: status)) > 0)
    }
}

/// The recent reading: small requests pass on it, a large one reads /proc again.
@Suite(.serialized) struct HostMemoryReadingTests {
    @Test func aRequestFarBelowARecentReadingPassesOnItAndALargeOneIsCheckedAfresh() throws {
        HostMemory.recentReading.clear()
        try HostMemory.check(2 << 20, for: "a batch")
        let reading = try #require(HostMemory.recentReading.value(maximumAge: 60_000_000_000), "a check leaves its reading")
        #expect(reading > 0)
        // A pretend reading of 1 GiB: a 100 MiB request passes on it without a look, and is
        // debited from it...
        HostMemory.recentReading.store(1 << 30)
        try HostMemory.check(100 << 20, for: "a batch")
        let left = try #require(HostMemory.recentReading.value(maximumAge: 60_000_000_000))
        #expect(left <= (1 << 30) - (100 << 20))
        // ...so a loop of such requests cannot run past the reading (a list grown 50 MB at a
        // time once crashed the kernel this way): what passes without a look stays below 3/4 of
        // it, and then the next check reads /proc again.
        HostMemory.recentReading.store(1 << 30)
        var taken = 0
        while HostMemory.recentReading.debit(100 << 20, maximumAge: 60_000_000_000) { taken += 100 << 20 }
        #expect(taken > 0 && taken <= 3 * (1 << 30) / 4)
        // ...a request above a quarter of it is checked against the machine again, which replaces the reading.
        try? HostMemory.check(600 << 20, for: "a model")
        #expect(HostMemory.recentReading.value(maximumAge: 60_000_000_000) != 1 << 30)
        // An impossible request is refused however recent the reading.
        HostMemory.recentReading.store(Int.max / 2)
        #expect(throws: HostMemory.Shortage.self) { try HostMemory.check(Int.max / 2, for: "a huge model") }
        HostMemory.recentReading.clear()
    }
}

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

// How much memory this process may still allocate: the least of what the machine has free
// (/proc/meminfo MemAvailable), what its cgroup allows (memory.max − memory.current) and what
// its address-space limit leaves (RLIMIT_AS − VmSize). Large allocations are checked against
// it first, so an absurd size becomes a clear error instead of an abort.

#if canImport(Glibc)
import Glibc
#endif

/// The memory a process may still use, and a check that names the estimate and the limit.
public enum HostMemory {
    /// Allocations below this size are never checked (a check reads /proc).
    public static let checkThreshold = 1 << 20

    /// Memory kept free for the rest of the process (stacks, the allocator, other buffers):
    /// an allocation is refused when it would leave less than this.
    public static let reserve = 64 << 20

    /// Bytes that may still be allocated, or nil when no limit can be read (not Linux).
    public static func available() -> Int? {
        var limits: [Int] = []
        if let free = meminfoAvailable() { limits.append(free) }
        if let cgroup = cgroupHeadroom() { limits.append(cgroup) }
        if let addressSpace = addressSpaceHeadroom() { limits.append(addressSpace) }
        return limits.min()
    }

    /// What an allocation of `bytes` was refused for: the estimate and the limit, in words.
    public struct Shortage: Error, Sendable, Equatable, CustomStringConvertible {
        public var what: String
        public var bytes: Int
        public var available: Int

        public var description: String {
            "\(what) needs about \(HostMemory.format(bytes)) but only \(HostMemory.format(max(available - HostMemory.reserve, 0))) "
                + "of memory is available (\(HostMemory.format(available)) free, \(HostMemory.format(HostMemory.reserve)) kept in reserve)"
        }
    }

    /// Throws ``Shortage`` when `bytes` (an estimate of what `what` is about to allocate) would
    /// not fit in the memory still available. Small requests pass without a look.
    public static func check(_ bytes: Int, for what: @autoclosure () -> String) throws(Shortage) {
        guard bytes >= checkThreshold else { return }
        let (needed, overflow) = bytes.addingReportingOverflow(reserve)
        // A request far below what was free a moment ago passes without reading /proc again (a
        // training step checks every forward pass, and the reads cost more than the pass); it is
        // debited from that reading, so a loop of such requests soon reads /proc afresh.
        if !overflow, recentReading.debit(needed, maximumAge: 1_000_000_000) { return }
        guard let free = available() else { return }
        recentReading.store(free)
        if overflow || needed > free {
            throw Shortage(what: what(), bytes: bytes, available: free)
        }
    }

    /// The last reading of ``available()`` and when it was taken.
    static let recentReading = Reading()

    /// A reading shared by every thread, behind a lock.
    final class Reading: @unchecked Sendable {
        #if canImport(Glibc)
        private var lock = pthread_mutex_t()
        private var bytes = 0
        private var takenAt: UInt64 = 0

        init() { pthread_mutex_init(&lock, nil) }

        /// The reading, if one was taken within `maximumAge` nanoseconds.
        func value(maximumAge: UInt64) -> Int? {
            pthread_mutex_lock(&lock)
            defer { pthread_mutex_unlock(&lock) }
            guard takenAt > 0, Self.now() &- takenAt <= maximumAge else { return nil }
            return bytes
        }

        /// Takes `request` off a reading younger than `maximumAge` nanoseconds when it is at most a
        /// quarter of what the reading has left; false (nothing taken) otherwise.
        func debit(_ request: Int, maximumAge: UInt64) -> Bool {
            pthread_mutex_lock(&lock)
            defer { pthread_mutex_unlock(&lock) }
            guard takenAt > 0, Self.now() &- takenAt <= maximumAge, request <= bytes / 4 else { return false }
            bytes -= request
            return true
        }

        func store(_ value: Int) {
            pthread_mutex_lock(&lock)
            (bytes, takenAt) = (value, Self.now())
            pthread_mutex_unlock(&lock)
        }

        /// Forgets the reading (tests).
        func clear() {
            pthread_mutex_lock(&lock)
            takenAt = 0
            pthread_mutex_unlock(&lock)
        }

        static func now() -> UInt64 {
            var t = timespec()
            clock_gettime(CLOCK_MONOTONIC, &t)
            return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
        }
        #else
        func value(maximumAge: UInt64) -> Int? { nil }
        func debit(_ request: Int, maximumAge: UInt64) -> Bool { false }
        func store(_ value: Int) {}
        func clear() {}
        #endif
    }

    /// A byte count in B, KiB, MiB, GiB or TiB with one decimal.
    public static func format(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let tenths = (value * 10).rounded() / 10
        return "\(tenths) \(units[unit])"
    }

    // MARK: - Sources

    /// `MemAvailable` from /proc/meminfo.
    static func meminfoAvailable() -> Int? {
        guard let text = readSmallFile("/proc/meminfo") else { return nil }
        return kibibytes(field: "MemAvailable:", in: text)
    }

    /// `memory.max − memory.current` of this process's cgroup (v2), or the v1
    /// `memory.limit_in_bytes − memory.usage_in_bytes`; nil when unlimited or unreadable.
    static func cgroupHeadroom() -> Int? {
        guard let membership = readSmallFile("/proc/self/cgroup") else { return nil }
        for line in membership.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = String(parts[2])
            if parts[0] == "0" {
                let base = "/sys/fs/cgroup" + (path == "/" ? "" : path)
                if let limit = number(readSmallFile(base + "/memory.max")),
                   let usage = number(readSmallFile(base + "/memory.current")) {
                    return max(limit - usage, 0)
                }
            } else if parts[1].split(separator: ",").contains("memory") {
                let base = "/sys/fs/cgroup/memory" + (path == "/" ? "" : path)
                if let limit = number(readSmallFile(base + "/memory.limit_in_bytes")),
                   let usage = number(readSmallFile(base + "/memory.usage_in_bytes")),
                   limit < Int.max / 2 {
                    return max(limit - usage, 0)
                }
            }
        }
        return nil
    }

    /// `RLIMIT_AS` (`ulimit -v`) minus the address space already mapped (`VmSize`).
    static func addressSpaceHeadroom() -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        guard let status = readSmallFile("/proc/self/status"),
              let size = kibibytes(field: "VmSize:", in: status) else { return nil }
        let cap = limit.rlim_cur > UInt64(Int.max) ? Int.max : Int(limit.rlim_cur)
        return max(cap - size, 0)
    }

    /// The value of a `Name:   1234 kB` line, in bytes.
    static func kibibytes(field: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            let digits = line.dropFirst(field.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
            guard let digits, let value = Int(digits), value < Int.max / 1024 else { return nil }
            return value * 1024
        }
        return nil
    }

    /// A decimal number file ("max" reads as unlimited: nil).
    static func number(_ text: String?) -> Int? {
        guard let text else { return nil }
        return Int(text.split(separator: "\n").first ?? "")
    }

    /// A small file under /proc or /sys, read with one `read` loop (no Foundation).
    static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

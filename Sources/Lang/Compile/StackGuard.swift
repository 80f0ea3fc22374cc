// A guard against running out of stack: deep recursion becomes an error, never a crash.

#if canImport(Glibc)
import Glibc

/// glibc's `pthread_getattr_np`, which the Glibc module does not export (it needs _GNU_SOURCE).
@_silgen_name("pthread_getattr_np")
private func getThreadAttributes(_ thread: pthread_t, _ attributes: UnsafeMutablePointer<pthread_attr_t>) -> Int32
#elseif canImport(Darwin)
import Darwin
#endif

/// Knows where the current thread's stack ends and says when little of it is left.
/// `Session.execute` re-arms it on the thread it runs on.
struct StackGuard {
    /// Lowest address the stack may grow to before evaluation stops (0 when unknown).
    private var limit: UInt = 0
    /// Stack kept free for the front end, builtins and error reporting.
    static let reserve: UInt = 160 * 1024

    /// Measures the stack of the calling thread.
    mutating func arm() {
        limit = 0
        #if canImport(Glibc)
        var attr = pthread_attr_t()
        guard getThreadAttributes(pthread_self(), &attr) == 0 else { return }
        defer { pthread_attr_destroy(&attr) }
        var base: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attr, &base, &size) == 0, let base else { return }
        let low = UInt(bitPattern: base)
        let here = StackGuard.currentAddress()
        // The main thread's stack may be reported as its rlimit; trust only what lies below us.
        let usable = here > low ? here - low : 0
        guard usable > StackGuard.reserve else { return }
        limit = low + StackGuard.reserve
        #elseif canImport(Darwin)
        let top = UInt(bitPattern: pthread_get_stackaddr_np(pthread_self()))
        let size = UInt(pthread_get_stacksize_np(pthread_self()))
        guard size > StackGuard.reserve else { return }
        limit = top - size + StackGuard.reserve
        #endif
    }

    /// Whether the stack is within `reserve` bytes of its end.
    func isNearlyFull() -> Bool {
        limit != 0 && StackGuard.currentAddress() < limit
    }

    @inline(never)
    static func currentAddress() -> UInt {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }
}

// Profiler: where a step's time goes, by kind of op (matrix products by shape class, attention,
// norms, elementwise, the latent filter, the optimizer, data, thread synchronisation,
// allocation …), forward and backward apart.
//
// How it counts: every thread keeps a stack of the kinds it is inside; on each push and pop the
// time since the last one goes to the kind on top (exclusive time), so nested scopes never count
// twice and everything on a thread's timeline lands in exactly one row — time in no scope is
// "other". A backward closure runs under the kind that was on top when its op was recorded, so
// an op's backward is charged like its forward (except the matrix products inside, which are
// always matmul rows). Phases: ops inside `Tensor.backward` are "backward".
//
// Threads: work split over threads by a caller that waits (DataParallel's workers) runs as a
// region: each worker counts into a fresh frame, and when the region ends the caller adds the
// workers' mean per row plus, as "thread synchronisation", the region's wall time minus the
// workers' mean busy time. So the caller's table sums to its wall time. Ops that split their own
// work (a GEMM on two threads, a parallel elementwise loop) are timed as a whole on the caller.
//
// Cost: off (the default), one load and branch per scope. On, two monotonic clock reads and a
// thread-local lookup per scope; the command that states the overhead is in BENCHMARKS.md.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The rows of a profile.
public enum ProfileKind: UInt8, CaseIterable, Sendable {
    /// Time in no scope.
    case other
    // Matrix products by layout and rows of C: "A·Bᵀ" (a linear layer, attention scores), "A·B"
    // (input gradients, attention · values), "Aᵀ·B" (weight gradients), "Aᵀ·Bᵀ".
    case matmulABtTiny, matmulABtSmall, matmulABtMedium, matmulABtLarge
    case matmulABTiny, matmulABSmall, matmulABMedium, matmulABLarge
    case matmulAtBTiny, matmulAtBSmall, matmulAtBMedium, matmulAtBLarge
    case matmulAtBtTiny, matmulAtBtSmall, matmulAtBtMedium, matmulAtBtLarge
    case attention, norm, elementwise, loss
    /// Embedding lookups, row gathers, concatenations, key/value cache copies.
    case copy
    /// The latent filter F, except the matrix products inside it.
    case latentFilter
    /// Gradient clipping, AdamW, zeroing gradients.
    case optimizer
    /// Summing the data-parallel replicas' gradients into the model's.
    case gradientReduction
    /// Ordering and releasing the autograd graph.
    case autograd
    /// Batching, tokenizing, sampling decisions: work on Swift arrays around the ops.
    case data
    /// Waiting for the other workers of a data-parallel step (see the file comment).
    case synchronisation
    /// Allocating, zero-filling and freeing tensor memory.
    case allocation

    /// The name in tables and JSON.
    public var name: String {
        switch self {
        case .other: return "other / unattributed"
        case .attention: return "attention"
        case .norm: return "norms"
        case .elementwise: return "elementwise"
        case .loss: return "loss"
        case .copy: return "copy (embedding, gather, concat)"
        case .latentFilter: return "latent filter (without its matmuls)"
        case .optimizer: return "optimizer (clip, AdamW, zero)"
        case .gradientReduction: return "gradient reduction (replicas)"
        case .autograd: return "autograd bookkeeping"
        case .data: return "data / tokenizer"
        case .synchronisation: return "thread synchronisation"
        case .allocation: return "allocation"
        default:
            let index = Int(rawValue - ProfileKind.matmulABtTiny.rawValue)
            let layouts = ["A·Bᵀ", "A·B", "Aᵀ·B", "Aᵀ·Bᵀ"], rows = ["M 1–7", "M 8–31", "M 32–255", "M ≥ 256"]
            return "matmul \(layouts[index / 4]), \(rows[index % 4])"
        }
    }

    /// Whether this is a matrix-product row.
    public var isMatmul: Bool { rawValue >= ProfileKind.matmulABtTiny.rawValue && rawValue <= ProfileKind.matmulAtBtLarge.rawValue }

    /// The matrix-product row of a product with `m` rows of C and the given layout.
    @inlinable
    public static func matmul(m: Int, transposeA: Bool, transposeB: Bool) -> ProfileKind {
        let layout = transposeA ? (transposeB ? 3 : 2) : (transposeB ? 0 : 1)
        let size = m < 8 ? 0 : m < 32 ? 1 : m < 256 ? 2 : 3
        return ProfileKind(rawValue: ProfileKind.matmulABtTiny.rawValue + UInt8(layout * 4 + size))!
    }
}

/// The engine's op-level profiler (see the file comment). Turn it on once, before the work, with
/// ``isEnabled``; ``reset()`` starts a window on the calling thread and ``report(steps:)`` reads it.
public enum Profiler {
    /// Whether scopes are timed. Set it only while no scope is open (at the start of a command):
    /// a scope opened while off and closed while on would unbalance the stack.
    nonisolated(unsafe) public static var isEnabled = false

    /// Runs `body` as a scope of `kind`.
    @inlinable @inline(__always)
    public static func measure<R>(_ kind: ProfileKind, _ body: () throws -> R) rethrows -> R {
        guard isEnabled else { return try body() }
        push(kind)
        defer { pop() }
        return try body()
    }

    /// Opens a scope of `kind` when profiling and says whether it did: `let s = Profiler.open(.norm)`
    /// then `defer { Profiler.close(s) }` times the rest of a function.
    @inlinable @inline(__always)
    public static func open(_ kind: ProfileKind) -> Bool {
        guard isEnabled else { return false }
        push(kind)
        return true
    }

    /// Closes a scope that ``open(_:)`` opened.
    @inlinable @inline(__always)
    public static func close(_ opened: Bool) {
        if opened { pop() }
    }

    /// Opens a scope of `kind` on this thread (pair with ``pop()``; prefer ``measure(_:_:)``).
    public static func push(_ kind: ProfileKind) {
        let frame = ProfileThread.current.frame
        frame.charge(now())
        frame.calls[ProfileFrame.slot(kind, frame.backward)] += 1
        // Inside the latent filter, everything but its products and allocations is the filter's.
        let top = frame.stack[frame.stack.count - 1]
        frame.stack.append(top == .latentFilter && !kind.isMatmul && kind != .allocation ? top : kind)
    }

    /// Closes the innermost scope of this thread.
    public static func pop() {
        let frame = ProfileThread.current.frame
        frame.charge(now())
        if frame.stack.count > 1 { frame.stack.removeLast() }
    }

    /// The kind on top of this thread's stack (what a backward closure recorded now is charged to).
    public static var currentKind: ProfileKind {
        let frame = ProfileThread.current.frame
        return frame.stack[frame.stack.count - 1]
    }

    /// Runs `body` (a backward pass) with this thread's phase set to backward.
    public static func backwardPhase<R>(_ body: () throws -> R) rethrows -> R {
        guard isEnabled else { return try body() }
        let frame = ProfileThread.current.frame
        frame.charge(now())
        let was = frame.backward
        frame.backward = true
        defer {
            frame.charge(now())
            frame.backward = was
        }
        return try body()
    }

    /// Starts a new window on the calling thread: its totals are cleared and the clock restarts.
    /// Call it outside any scope.
    public static func reset() {
        ProfileThread.current.frame.reset(at: now())
    }

    /// The calling thread's window so far, `steps` being how many steps it covers.
    public static func report(steps: Int = 1) -> ProfileReport {
        let frame = ProfileThread.current.frame
        let t = now()
        frame.charge(t)
        var rows: [ProfileReport.Row] = []
        for kind in ProfileKind.allCases {
            for backward in [false, true] {
                let ns = frame.totals[ProfileFrame.slot(kind, backward)]
                guard ns > 0 else { continue }
                rows.append(ProfileReport.Row(kind: kind, backward: backward, seconds: Double(ns) * 1e-9,
                                              calls: frame.calls[ProfileFrame.slot(kind, backward)]))
            }
        }
        return ProfileReport(seconds: Double(t - frame.started) * 1e-9, steps: max(1, steps), rows: rows)
    }

    // MARK: Regions of parallel work

    /// Starts a region of `workers` parallel items on the calling thread (nil when off); pass it
    /// to ``worker(_:_:_:)`` in each item and to ``endRegion(_:)`` after all of them returned.
    public static func beginRegion(workers: Int) -> ProfileRegion? {
        guard isEnabled else { return nil }
        let t = now()
        ProfileThread.current.frame.charge(t)
        return ProfileRegion(workers: workers, start: t)
    }

    /// Runs item `index` of `region` counting into a fresh frame on whichever thread runs it.
    public static func worker<R>(_ region: ProfileRegion?, _ index: Int, _ body: () throws -> R) rethrows -> R {
        guard let region else { return try body() }
        let thread = ProfileThread.current
        let frame = ProfileFrame(at: now())
        thread.frames.append(frame)
        defer {
            let t = now()
            frame.charge(t)
            thread.frames.removeLast()
            region.finish(index, frame: frame, busy: t - frame.started)
        }
        return try body()
    }

    /// Adds a finished region's work to the calling thread: the workers' mean per row, and the
    /// rest of the region's wall time as thread synchronisation.
    public static func endRegion(_ region: ProfileRegion?) {
        guard let region else { return }
        let t = now()
        let frame = ProfileThread.current.frame
        let k = UInt64(max(1, region.workers))
        var busy: UInt64 = 0
        for i in 0..<region.workers {
            guard let w = region.frames[i] else { continue }
            for s in 0..<ProfileFrame.slots { frame.totals[s] += w.totals[s] / k }
            for c in 0..<w.calls.count { frame.calls[c] += w.calls[c] }
            busy += region.busy[i]
        }
        let wall = t - region.start
        frame.totals[ProfileFrame.slot(.synchronisation, frame.backward)] += wall - min(wall, busy / k)
        frame.last = t
    }

    /// Nanoseconds of a monotonic clock.
    @usableFromInline static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

/// The workers' frames of one parallel region; each worker writes only its own slot.
public final class ProfileRegion: @unchecked Sendable {
    let workers: Int
    let start: UInt64
    var frames: [ProfileFrame?]
    var busy: [UInt64]

    init(workers: Int, start: UInt64) {
        (self.workers, self.start) = (workers, start)
        frames = [ProfileFrame?](repeating: nil, count: workers)
        busy = [UInt64](repeating: 0, count: workers)
    }

    func finish(_ index: Int, frame: ProfileFrame, busy ns: UInt64) {
        frames.withUnsafeMutableBufferPointer { $0[index] = frame }
        busy.withUnsafeMutableBufferPointer { $0[index] = ns }
    }
}

/// One timeline's totals: per kind and phase, nanoseconds and calls.
final class ProfileFrame {
    static let slots = ProfileKind.allCases.count * 2
    static func slot(_ kind: ProfileKind, _ backward: Bool) -> Int { Int(kind.rawValue) * 2 + (backward ? 1 : 0) }

    var totals = [UInt64](repeating: 0, count: ProfileFrame.slots)
    var calls = [Int](repeating: 0, count: ProfileFrame.slots)
    var stack: [ProfileKind] = [.other]
    var backward = false
    var started: UInt64
    var last: UInt64

    init(at t: UInt64) { (started, last) = (t, t) }

    /// Adds the time since the last event to the kind on top.
    @inline(__always) func charge(_ t: UInt64) {
        totals[ProfileFrame.slot(stack[stack.count - 1], backward)] &+= t &- last
        last = t
    }

    func reset(at t: UInt64) {
        stack = [.other]
        backward = false
        for i in totals.indices { totals[i] = 0 }
        for i in calls.indices { calls[i] = 0 }
        (started, last) = (t, t)
    }
}

/// A thread's frames: its own, and on top those of the region items it is running.
final class ProfileThread {
    var frames: [ProfileFrame]
    var frame: ProfileFrame { frames[frames.count - 1] }

    init() { frames = [ProfileFrame(at: Profiler.now())] }

    /// The calling thread's state, made on first use. It lives as long as the process: the
    /// threads that profile are the main thread and the dispatch pool's few long-lived workers.
    static var current: ProfileThread {
        if let p = pthread_getspecific(key) { return Unmanaged<ProfileThread>.fromOpaque(p).takeUnretainedValue() }
        let state = ProfileThread()
        pthread_setspecific(key, Unmanaged.passRetained(state).toOpaque())
        return state
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
}

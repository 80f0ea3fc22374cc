// Splitting large elementwise work across the engine's threads. Small work stays on the
// calling thread: below `minimumPerThread` elements the dispatch overhead costs more than it
// saves.

import Dispatch

@usableFromInline enum Parallel {
    /// Elements per thread below which work is not split.
    @usableFromInline static let minimumPerThread = 1 << 15

    /// Calls `body` on disjoint ranges covering `0..<count`, in parallel when large enough.
    /// `body` must only touch the elements of its own range.
    @inlinable
    static func forRanges(_ count: Int, minimumPerThread: Int = Parallel.minimumPerThread,
                          _ body: (Range<Int>) -> Void) {
        let threads = min(Engine.threads, count / max(minimumPerThread, 1))
        if threads <= 1 {
            body(0..<count)
            return
        }
        let chunk = (count + threads - 1) / threads
        withoutActuallyEscaping(body) { body in
            let box = UnsafeSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let lo = t * chunk
                let hi = min(count, lo + chunk)
                if lo < hi { box.value(lo..<hi) }
            }
        }
    }

    /// Calls `body(i)` for `i` in `0..<count`, spread over the threads when `count` rows of
    /// `workPerItem` elements add up to enough work.
    @inlinable
    static func forEach(_ count: Int, workPerItem: Int, _ body: (Int) -> Void) {
        let total = count * workPerItem
        let threads = min(Engine.threads, count, total / Parallel.minimumPerThread)
        if threads <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        let chunk = (count + threads - 1) / threads
        withoutActuallyEscaping(body) { body in
            let box = UnsafeSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let lo = t * chunk
                let hi = min(count, lo + chunk)
                for i in lo..<max(lo, hi) { box.value(i) }
            }
        }
    }
}

/// Carries a non-Sendable closure into concurrentPerform. Sound because the callers hand each
/// thread a disjoint range and wait for all of them before returning.
@usableFromInline struct UnsafeSendableBox<T>: @unchecked Sendable {
    @usableFromInline let value: T
    @usableFromInline init(_ value: T) { self.value = value }
}

// Storage: one contiguous, owned Float32 buffer. Tensors (and reshaped views of them) share it.

/// A contiguous block of `Float` values owned by the engine.
///
/// Row-major tensor data and gradients both live in a `Storage`. It is a reference type so that
/// `reshaped(_:)` views can share the values without copying; the memory is freed when the
/// last tensor referring to it goes away.
public final class Storage {
    /// The first element. Valid for `count` elements while `self` is alive.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of `Float` elements.
    public let count: Int

    /// Allocates `count` elements; they are zero when `zeroed` is true, undefined otherwise
    /// (callers that pass `false` must write every element before reading).
    public init(count: Int, zeroed: Bool = true) {
        precondition(count >= 0, "negative storage size")
        _ = Engine.allocatorTuned
        let profiled = Profiler.open(.allocation)
        defer { Profiler.close(profiled) }
        self.count = count
        pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        if zeroed { pointer.initialize(repeating: 0, count: count) }
    }

    deinit {
        let profiled = Profiler.open(.allocation)
        defer { Profiler.close(profiled) }
        pointer.deallocate()
    }

    /// A buffer pointer over all elements.
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }

    /// Sets every element to zero.
    @inlinable public func zero() { pointer.update(repeating: 0, count: count) }
}

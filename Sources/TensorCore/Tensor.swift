// Tensor: a row-major Float32 array with an optional gradient and the autograd links that
// produced it. The ops (Ops/*.swift) build new tensors; backward() lives in Autograd/Graph.swift.

/// A row-major, contiguous Float32 tensor that can take part in reverse-mode autograd.
///
/// ```swift
/// let w = Tensor.parameter(Tensor.randomNormal([4, 3], standardDeviation: 0.02, rng: &rng))
/// let y = linear(x, weight: w)          // x·wᵀ, records a backward closure
/// let loss = y.square().mean()
/// loss.backward()                       // accumulates into w.grad
/// ```
///
/// Tensors are reference types: an op's output remembers its inputs (`parents`) and a closure
/// that adds the output's gradient into theirs. `backward()` runs those closures once, in
/// reverse topological order, and then cuts the links so the graph memory is released.
/// A tensor is not safe to mutate from several threads at once.
public final class Tensor {
    /// The extent of each dimension, outermost first. `[]` is a scalar.
    public let shape: [Int]
    /// Number of elements (the product of `shape`).
    public let count: Int
    /// The values. Shared with reshaped views of this tensor.
    public let storage: Storage
    /// Whether gradients flow into this tensor. Parameters set it; op outputs inherit it.
    public var requiresGrad: Bool
    /// Optional label, used in error messages and by GradCheck reports.
    public var name: String?

    /// The accumulated gradient, allocated (zeroed) on first use during backward.
    @usableFromInline var gradStorage: Storage?
    /// Inputs of the op that produced this tensor (empty for leaves and after backward).
    @usableFromInline var parents: [Tensor] = []
    /// Adds this tensor's gradient into its parents' gradients. Receives `self`.
    @usableFromInline var backwardFn: ((Tensor) -> Void)?
    /// Where the op that produced this tensor recorded itself (see ``recordOp(inputs:file:line:backward:)``).
    @usableFromInline var originFile: StaticString = ""
    @usableFromInline var originLine: UInt = 0
    /// The profiler's kind on top when the op was recorded: its backward is charged there.
    @usableFromInline var profileKind: ProfileKind = .other

    /// Wraps existing storage (no copy). `storage.count` must equal the shape's element count.
    public init(storage: Storage, shape: [Int], requiresGrad: Bool = false) {
        let n = Tensor.elementCount(shape)
        precondition(storage.count == n, "storage holds \(storage.count) values, shape \(shape) needs \(n)")
        self.shape = shape
        self.count = n
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// A tensor of the given shape filled with zeros.
    public convenience init(zeros shape: [Int]) {
        self.init(storage: Storage(count: Tensor.elementCount(shape)), shape: shape)
    }

    /// A tensor of the given shape whose every element is `value`.
    public convenience init(repeating value: Float, shape: [Int]) {
        let s = Storage(count: Tensor.elementCount(shape), zeroed: false)
        s.pointer.initialize(repeating: value, count: s.count)
        self.init(storage: s, shape: shape)
    }

    /// A tensor holding `scalars` in row-major order; `scalars.count` must match `shape`.
    public convenience init(_ scalars: [Float], shape: [Int]) {
        let n = Tensor.elementCount(shape)
        precondition(scalars.count == n, "\(scalars.count) scalars for shape \(shape) (needs \(n))")
        let s = Storage(count: n, zeroed: false)
        scalars.withUnsafeBufferPointer { s.pointer.initialize(from: $0.baseAddress!, count: n) }
        self.init(storage: s, shape: shape)
    }

    /// A scalar (shape `[]`) tensor.
    public convenience init(scalar: Float) { self.init([scalar], shape: []) }

    /// An uninitialised tensor for op outputs; every element must be written before use.
    @usableFromInline convenience init(uninitialized shape: [Int]) {
        self.init(storage: Storage(count: Tensor.elementCount(shape), zeroed: false), shape: shape)
    }

    /// Marks `tensor` as a trainable leaf (`requiresGrad = true`) and returns it.
    @discardableResult
    public static func parameter(_ tensor: Tensor, name: String? = nil) -> Tensor {
        tensor.requiresGrad = true
        if let name { tensor.name = name }
        return tensor
    }

    /// Product of the dimensions of `shape` (1 for a scalar).
    @inlinable public static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape {
            precondition(d >= 0, "negative dimension in shape \(shape)")
            n *= d
        }
        return n
    }

    // MARK: - Values

    /// Pointer to the first value (valid while `self` is alive).
    @inlinable public var data: UnsafeMutablePointer<Float> { storage.pointer }

    /// A copy of the values in row-major order.
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, shape is \(shape)")
        return data[0]
    }

    /// Number of dimensions.
    @inlinable public var rank: Int { shape.count }

    /// Extent of dimension `axis` (negative counts from the end).
    @inlinable public func dim(_ axis: Int) -> Int { shape[axis < 0 ? shape.count + axis : axis] }

    /// The value at a flat row-major index.
    public subscript(flat index: Int) -> Float {
        get { data[index] }
        set { data[index] = newValue }
    }

    /// Calls `body` with read access to the values.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: data, count: count))
    }

    /// Calls `body` with write access to the values (for initialisation and optimizer updates;
    /// do not change values that a pending backward pass still needs).
    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: data, count: count))
    }

    /// Overwrites the values with those of `other` (same element count). Not recorded by autograd.
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: \(other.shape) into \(shape)")
        data.update(from: other.data, count: count)
    }

    // MARK: - Gradient

    /// The accumulated gradient as a tensor sharing the gradient memory, or nil before any
    /// backward pass reached this tensor (or after `zeroGrad(release: true)`).
    public var grad: Tensor? {
        gradStorage.map { Tensor(storage: $0, shape: shape) }
    }

    /// The gradient buffer, created zeroed if missing. Ops' backward closures add into it.
    @inlinable public func gradBuffer() -> UnsafeMutablePointer<Float> {
        if let g = gradStorage { return g.pointer }
        let g = Storage(count: count)
        gradStorage = g
        return g.pointer
    }

    /// The gradient buffer for a backward write, and whether the caller must OVERWRITE it
    /// (true when the buffer is new and uninitialised: the caller then writes every element
    /// instead of adding, which saves zero-filling and re-reading it). Call it immediately
    /// before the write that covers the whole buffer.
    @inlinable public func gradTarget() -> (pointer: UnsafeMutablePointer<Float>, overwrite: Bool) {
        if let g = gradStorage { return (g.pointer, false) }
        let g = Storage(count: count, zeroed: false)
        gradStorage = g
        return (g.pointer, true)
    }

    /// Sets the gradient to zero (keeping the buffer), or drops it when `release` is true.
    public func zeroGrad(release: Bool = false) {
        if release { gradStorage = nil } else { gradStorage?.zero() }
    }

    /// True if this tensor was produced by an op whose backward has not run yet.
    public var hasGraph: Bool { backwardFn != nil }
}

extension Tensor: CustomStringConvertible {
    /// Shape plus the first few values, e.g. `Tensor[2, 3](0.1, 0.2, 0.3, …)`.
    public var description: String {
        let shown = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor\(shape)(\(shown)\(count > 8 ? ", …" : ""))"
    }
}

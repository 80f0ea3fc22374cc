// Whether ops record the autograd graph. A task-local value, so there is no global mutable
// state: `Autograd.withoutGrad { … }` affects only the current task (and the synchronous code
// it calls), and concurrent tasks keep their own setting.

/// Switches for reverse-mode autograd.
public enum Autograd {
    /// True (the default) when ops record backward closures for inputs that require grad.
    ///
    /// Task-local: change it only through ``withoutGrad(_:)`` or `Autograd.$isEnabled.withValue`.
    @TaskLocal public static var isEnabled: Bool = true

    /// Runs `body` with recording off: outputs never require grad and nothing is saved for
    /// backward. Use it for inference, decoding with a KV cache and evaluation.
    ///
    /// ```swift
    /// let logits = Autograd.withoutGrad { model(tokens) }
    /// ```
    public static func withoutGrad<R>(_ body: () throws -> R) rethrows -> R {
        try $isEnabled.withValue(false) { try body() }
    }

    /// True if an op over `inputs` must record its backward: recording is on and at least one
    /// input requires grad.
    @inlinable public static func needsGrad(_ inputs: Tensor...) -> Bool {
        needsGrad(inputs)
    }

    /// Array form of ``needsGrad(_:)-variadic``.
    @inlinable public static func needsGrad(_ inputs: [Tensor]) -> Bool {
        for t in inputs where t.requiresGrad { return isEnabled }
        return false
    }
}

// What a builtin can reach while it runs: output, input, interruption, randomness, callbacks.

import Support

/// The context of one builtin call.
///
/// Long builtins emit progress through `emit` (a `.display(_, id:)` once, then
/// `.updateDisplay(_, id:)`), poll `interruption` between steps, and call back into the
/// language with `call`.
public struct CallContext {
    let runtime: Runtime
    /// The name of the builtin being called.
    public let function: String
    /// Where the call is in the source, if known.
    public let location: SourceLocation?

    /// Sends an output event to the front end now.
    public func emit(_ event: OutputEvent) {
        runtime.emit(event)
    }

    /// The session's interrupt flag: poll it between optimizer steps.
    public var interruption: Interruption { runtime.interruption }

    /// Throws `Interrupted` when an interrupt was requested.
    public func checkInterrupted() throws {
        try runtime.interruption.check()
    }

    /// A line from the user; an `IOError` when the front end allows no input.
    public func readInput(prompt: String, password: Bool = false) throws -> String {
        try runtime.readInput(prompt: prompt, password: password, function: function)
    }

    /// Calls a language function value (a callback) with positional and labelled arguments.
    public func call(_ function: Value, _ arguments: [Value], labelled: [(String, Value)] = []) throws -> Value {
        guard case .function(let f) = function else {
            throw RuntimeError(.typeError, "\(self.function): expected a function to call, got \(function.typeName)")
        }
        do {
            return try runtime.call(f, positional: arguments, labelled: labelled.map { ($0.0, $0.1, nil) }, at: location)
        } catch {
            throw error.runtimeError
        }
    }

    /// A fresh id for a display that will be updated in place (`display_id` in Jupyter).
    public func newDisplayID() -> String {
        runtime.newDisplayID()
    }

    /// The next draw of the session's random generator, for seeding a builtin's own generator.
    /// `seed(n)` makes every draw that follows reproducible.
    public func nextRandomSeed() -> UInt64 {
        runtime.random.next()
    }

    /// A uniform draw from [0, 1) of the session's random generator.
    public func randomUnit() -> Double {
        runtime.random.nextUnitDouble()
    }
}

// The single front door of the language: execute, complete, inspect, isComplete, interrupt.

/// One interpreter session: the top-level names shared by every cell of a notebook, every REPL
/// entry or every statement of a script, plus the registered builtins.
///
/// Not thread-safe: use it from one thread at a time. Only `interruption` (and `interrupt()`)
/// may be touched from other threads while `execute` runs.
///
/// ```swift
/// let session = Session(builtins: LangBindings.all)
/// let outcome = session.execute("x = 1 + 2\nx * 10", host: host)   // outcome.result?.plain == "30"
/// ```
public final class Session {
    let runtime: Runtime
    /// The interrupt flag: `interruption.request()` from any thread stops the running code
    /// within a second (at the next loop iteration, call, or a builtin's next check).
    public let interruption: Interruption

    /// - Parameter builtins: extra builtins (engine bindings). The General builtins of the
    ///   contract are always present; an extra builtin with the same name replaces one of them.
    public init(builtins: [Builtin] = []) {
        interruption = Interruption()
        runtime = Runtime(interruption: interruption, maxDepth: 1000)
        var all = GeneralBuiltins.all()
        for b in builtins {
            if let k = all.firstIndex(where: { $0.name == b.name }) {
                all[k] = b
            } else {
                all.append(b)
            }
        }
        runtime.builtins = all
        for b in all {
            runtime.setGlobal(b.name, .function(FunctionValue(builtin: b)))
        }
    }

    deinit {
        // Functions stored in globals close over the runtime; clearing breaks the cycle.
        runtime.clearGlobals()
    }

    /// How many user-function calls may nest before a `ValueError` ("recursion too deep").
    /// Independently, calls stop with the same error when the thread's stack is nearly full.
    public var maxCallDepth: Int {
        get { runtime.maxDepth }
        set { runtime.maxDepth = max(1, newValue) }
    }

    /// The registered builtins, General first, in registration order.
    public var builtins: [Builtin] { runtime.builtins }

    /// Runs `code`: its output goes to `host` as it happens; the outcome holds the value of a
    /// final expression statement (when not nil) or the error that stopped it. A syntax error
    /// runs nothing; a runtime error keeps the names bound before it.
    public func execute(_ code: String, host: ExecutionHost) -> ExecutionOutcome {
        // A builtin may run code of its own through the session (a nested execute): keep the
        // outer execution's host, depth and pending interrupt.
        let (outerHost, outerDepth) = (runtime.host, runtime.depth)
        if outerHost == nil {
            interruption.reset()
            runtime.depth = 0
            runtime.stack.arm()
        }
        runtime.host = host
        defer {
            runtime.host = outerHost
            runtime.depth = outerDepth
        }
        let source = SourceText(code)
        let statements: [Stmt]
        do {
            statements = try Parser.parse(source)
        } catch {
            return ExecutionOutcome(error: error.executionError)
        }
        var compiler = Compiler(runtime: runtime, source: source)
        let codes = compiler.compileProgram(statements)
        var last = Value.null
        for (k, code) in codes.enumerated() {
            do {
                if interruption.isRequested {
                    throw Unwind.error(compiler.locate(.interrupted, statements[k].location))
                }
                last = try code(runtime.topFrame)
            } catch {
                return ExecutionOutcome(error: error.runtimeError.executionError)
            }
        }
        guard case .expression = statements.last, !last.isNull else { return ExecutionOutcome() }
        return ExecutionOutcome(result: last.mimeBundle)
    }

    /// Asks the running code to stop; same as `interruption.request()`.
    public func interrupt() {
        interruption.request()
    }

    /// The value bound to a top-level name, if any.
    public func value(named name: String) -> Value? {
        runtime.global(name)
    }

    /// Binds a top-level name (front ends may predefine names, tests may inject values).
    public func setValue(_ value: Value, named name: String) {
        runtime.setGlobal(name, value)
    }

    /// The names bound at top level (builtins included), in the order they were first bound.
    public var globalNames: [String] {
        runtime.globalNames.filter { runtime.global($0) != nil }
    }
}

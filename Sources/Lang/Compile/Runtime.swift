// The state a session's compiled code runs against: globals, frames, the host, the call stack.

import Foundation
import Support

/// Compiled code: a closure over the frame it runs in. Control flow and errors unwind by typed throws.
typealias Code = (Frame) throws(Unwind) -> Value

/// Compiled code kept in an array. Wrapping the closure keeps it at its natural representation,
/// so calling it needs no reabstraction thunk (closures stored directly in arrays get one).
struct CodeBox {
    let run: Code
}

/// How evaluation leaves a construct early.
/// Unwinds never leave the thread that runs the session, so holding a `Value` is safe.
enum Unwind: Error, @unchecked Sendable {
    case error(RuntimeError)
    case breakLoop
    case continueLoop
    case returnValue(Value)
}

extension Error {
    /// Any error as the language's runtime error (foreign errors become `IOError`s).
    var runtimeError: RuntimeError {
        switch self {
        case let e as RuntimeError: return e
        case let u as Unwind:
            if case .error(let e) = u { return e }
            return RuntimeError(.valueError, "'break', 'continue' or 'return' escaped its function")
        case let e as SyntaxError: return RuntimeError(.valueError, e.description)
        default: return RuntimeError(.ioError, String(describing: self))
        }
    }
}

/// The local variables of one function call; `parent` is the frame the function closes over.
/// Slots live in a fixed buffer: compiled code reads and writes them without copy-on-write or
/// exclusivity bookkeeping, which keeps tight loops fast.
final class Frame {
    let slots: UnsafeMutablePointer<Value?>
    let size: Int
    let parent: Frame?

    init(size: Int, parent: Frame?) {
        self.size = Swift.max(size, 1)
        slots = .allocate(capacity: self.size)
        slots.initialize(repeating: nil, count: self.size)
        self.parent = parent
    }

    deinit {
        slots.deinitialize(count: size)
        slots.deallocate()
    }
}

/// One top-level variable. Compiled code holds the cell, so reading a global is one load.
final class GlobalCell {
    let pointer: UnsafeMutablePointer<Value?>

    init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: nil)
    }

    var value: Value? {
        get { pointer.pointee }
        set { pointer.pointee = newValue }
    }

    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}

/// A session's runtime: the top-level variables (shared by every execution), the host of the
/// current execution, the call depth, the random generator.
final class Runtime {
    /// Top-level variables: one cell per name, never removed, so code compiled in an earlier
    /// execution stays valid.
    private(set) var cells: [String: GlobalCell] = [:]
    private(set) var globalNames: [String] = []
    let interruption: Interruption
    var host: ExecutionHost?
    var depth = 0
    var maxDepth: Int
    var stack = StackGuard()
    var random = SplitMix64(seed: 0)
    var displayCounter = 0
    let clockStart = ProcessInfo.processInfo.systemUptime
    /// Builtins by name, in registration order (for help()).
    var builtins: [Builtin] = []
    /// The frame top-level code runs in (empty: top-level names are globals).
    let topFrame = Frame(size: 0, parent: nil)

    init(interruption: Interruption, maxDepth: Int) {
        self.interruption = interruption
        self.maxDepth = maxDepth
    }

    /// The cell of a top-level name, created (unbound) on first use.
    func cell(_ name: String) -> GlobalCell {
        if let cell = cells[name] { return cell }
        let cell = GlobalCell()
        cells[name] = cell
        globalNames.append(name)
        return cell
    }

    func global(_ name: String) -> Value? {
        cells[name]?.value
    }

    func setGlobal(_ name: String, _ value: Value?) {
        cell(name).value = value
    }

    /// Unbinds every top-level name (breaks the cycles between functions and the runtime).
    func clearGlobals() {
        for cell in cells.values { cell.value = nil }
    }

    func emit(_ event: OutputEvent) {
        host?.emit(event)
    }

    func readInput(prompt: String, password: Bool, function: String) throws -> String {
        guard let host else { throw RuntimeError(.ioError, "\(function): this front end allows no input") }
        do {
            return try host.readInput(prompt: prompt, password: password)
        } catch let e as RuntimeError {
            throw e
        } catch {
            throw RuntimeError(.ioError, "\(function): no input available (\(error))")
        }
    }

    func newDisplayID() -> String {
        displayCounter += 1
        return "latent-display-\(displayCounter)"
    }

    // MARK: - Calls

    /// Calls a function value with already evaluated arguments.
    func call(_ f: FunctionValue, positional: [Value], labelled: [(String, Value, SourceLocation?)],
              at location: SourceLocation?) throws(Unwind) -> Value {
        if interruption.isRequested { throw .error(.interrupted) }
        let bound = try bind(f, positional: positional, labelled: labelled)
        switch f.kind {
        case .builtin(let body):
            let arguments = Arguments(function: f.name, names: f.parameterNames, values: bound.values,
                                      given: bound.given, rest: bound.rest)
            do {
                return try body(arguments, CallContext(runtime: self, function: f.name, location: location))
            } catch {
                throw .error(error.runtimeError)
            }
        case .user(let code):
            return try invoke(code, name: f.name, arguments: bound.values, at: location)
        }
    }

    /// Runs a user function's body in a fresh frame whose first slots hold the arguments.
    func invoke(_ code: UserFunction, name: String, arguments: [Value], at location: SourceLocation?) throws(Unwind) -> Value {
        depth += 1
        defer { depth -= 1 }
        if depth > maxDepth {
            throw .error(RuntimeError(.valueError, "recursion too deep: more than \(maxDepth) nested calls (in \(name))"))
        }
        if stack.isNearlyFull() {
            throw .error(RuntimeError(.valueError, "recursion too deep: the stack is nearly full (in \(name))"))
        }
        if interruption.isRequested { throw .error(.interrupted) }
        let frame = Frame(size: code.frameSize, parent: code.captured)
        for (k, v) in arguments.enumerated() { frame.slots[k] = v }
        do throws(Unwind) {
            return try code.body(frame)
        } catch {
            switch error {
            case .returnValue(let v): return v
            case .error(var e):
                if e.frames.count < 20 {
                    e.frames.append("in \(name)" + (location.map { ", called at \($0)" } ?? ""))
                } else {
                    e.omittedFrames += 1
                }
                throw .error(e)
            case .breakLoop, .continueLoop:
                return .null
            }
        }
    }

    /// Matches positional and labelled arguments to parameters; errors list the labels taken.
    func bind(_ f: FunctionValue, positional: [Value], labelled: [(String, Value, SourceLocation?)]) throws(Unwind)
        -> (values: [Value], given: [Bool], rest: [Value])
    {
        let params = f.parameters
        var values = [Value?](repeating: nil, count: params.count)
        var rest: [Value] = []
        // A variadic builtin takes its required parameters by position and the rest as `rest`;
        // its parameters with defaults are passed by label only.
        let positionalSlots = f.isVariadic ? params.prefix(while: { $0.defaultValue == nil }).count : params.count
        for (k, v) in positional.enumerated() {
            if k < positionalSlots {
                values[k] = v
            } else if f.isVariadic {
                rest.append(v)
            } else {
                let takes = params.isEmpty ? "no arguments" : params.count == 1 ? "1 argument" : "\(params.count) arguments"
                throw .error(RuntimeError(.typeError, "\(f.name) takes \(takes), got \(positional.count): \(f.signature)"))
            }
        }
        for (label, v, location) in labelled {
            guard let k = params.firstIndex(where: { $0.name == label }) else {
                var e = f.renamedLabels[label].map {
                    RuntimeError(.typeError, "\(f.name): the label '\(label):' is now '\($0):'; write \($0): instead")
                } ?? RuntimeError(.typeError, "\(f.name): unknown label '\(label)'; \(labelList(f))")
                e.location = location
                throw .error(e)
            }
            if values[k] != nil {
                var e = RuntimeError(.typeError, "\(f.name): argument '\(label)' given twice; \(labelList(f))")
                e.location = location
                throw .error(e)
            }
            values[k] = v
        }
        var given = [Bool](repeating: true, count: params.count)
        var result: [Value] = []
        result.reserveCapacity(params.count)
        for (k, p) in params.enumerated() {
            if let v = values[k] {
                result.append(v)
            } else if let d = p.defaultValue {
                result.append(d)
                given[k] = false
            } else {
                throw .error(RuntimeError(.typeError, "\(f.name): missing argument '\(p.name)': \(f.signature)"))
            }
        }
        return (result, given, rest)
    }

    private func labelList(_ f: FunctionValue) -> String {
        if f.parameters.isEmpty { return "\(f.name) takes no labels" }
        return "\(f.name) takes: " + f.parameters.map { $0.name }.joined(separator: ", ")
    }
}

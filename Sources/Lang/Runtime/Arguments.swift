// The arguments a builtin receives, bound to its parameters, with typed accessors.

/// The arguments of one builtin call, bound to the builtin's parameters (defaults filled in).
///
/// The typed accessors throw the contract's errors, naming the function and the argument:
/// `TypeError: sft: argument 'epochs' must be a number, got string`.
public struct Arguments {
    /// The builtin's name, for messages.
    public let function: String
    /// The parameter names, in order.
    public let names: [String]
    /// The bound values, in parameter order.
    public let values: [Value]
    /// Which parameters the caller passed (rather than left to their default).
    public let given: [Bool]
    /// Extra positional arguments of a variadic builtin.
    public let rest: [Value]

    public init(function: String, names: [String], values: [Value], given: [Bool], rest: [Value] = []) {
        self.function = function
        self.names = names
        self.values = values
        self.given = given
        self.rest = rest
    }

    /// The value bound to parameter `name` (`nil` when the builtin has no such parameter).
    public subscript(name: String) -> Value {
        guard let i = names.firstIndex(of: name) else { return .null }
        return values[i]
    }

    /// Whether the caller passed `name` explicitly.
    public func isGiven(_ name: String) -> Bool {
        guard let i = names.firstIndex(of: name) else { return false }
        return given[i]
    }

    /// Positional values and rest together, for variadic builtins like `print`.
    public var all: [Value] { values + rest }

    // MARK: - Errors that name the function and argument

    /// `TypeError: f: argument 'x' must be <expected>, got <type>`.
    public func typeError(_ name: String, expected: String) -> RuntimeError {
        RuntimeError(.typeError, "\(function): argument '\(name)' must be \(expected), got \(self[name].typeName)")
    }

    /// `ValueError: f: argument 'x' <problem>`.
    public func valueError(_ name: String, _ problem: String) -> RuntimeError {
        RuntimeError(.valueError, "\(function): argument '\(name)' \(problem)")
    }

    // MARK: - Typed accessors

    public func number(_ name: String) throws -> Double {
        guard case .number(let x) = self[name] else { throw typeError(name, expected: "a number") }
        return x
    }

    /// A whole number (ValueError for 1.5, TypeError for a string).
    public func int(_ name: String) throws -> Int {
        let x = try number(name)
        guard x.isFinite, x == x.rounded(), abs(x) < 9.0e15 else {
            throw valueError(name, "must be a whole number, got \(Value.number(x).plainText)")
        }
        return Int(x)
    }

    /// A number, or nil when the argument is `nil`.
    public func optionalNumber(_ name: String) throws -> Double? {
        if self[name].isNull { return nil }
        return try number(name)
    }

    /// A whole number, or nil when the argument is `nil`.
    public func optionalInt(_ name: String) throws -> Int? {
        if self[name].isNull { return nil }
        return try int(name)
    }

    public func string(_ name: String) throws -> String {
        guard case .string(let s) = self[name] else { throw typeError(name, expected: "a string") }
        return s
    }

    /// A string, or nil when the argument is `nil`.
    public func optionalString(_ name: String) throws -> String? {
        if self[name].isNull { return nil }
        return try string(name)
    }

    public func bool(_ name: String) throws -> Bool {
        guard case .bool(let b) = self[name] else { throw typeError(name, expected: "true or false") }
        return b
    }

    public func list(_ name: String) throws -> [Value] {
        guard case .list(let xs) = self[name] else { throw typeError(name, expected: "a list") }
        return xs
    }

    public func record(_ name: String) throws -> Record {
        guard case .record(let r) = self[name] else { throw typeError(name, expected: "a record") }
        return r
    }

    public func range(_ name: String) throws -> RangeValue {
        guard case .range(let r) = self[name] else { throw typeError(name, expected: "a range") }
        return r
    }

    public func function(_ name: String) throws -> FunctionValue {
        guard case .function(let f) = self[name] else { throw typeError(name, expected: "a function") }
        return f
    }

    /// A host object of type `T`; `expected` names it in the error (e.g. "a model").
    public func object<T: HostObject>(_ name: String, as type: T.Type, expected: String? = nil) throws -> T {
        guard case .object(let o) = self[name], let t = o as? T else {
            throw typeError(name, expected: expected ?? "a \(String(describing: T.self))")
        }
        return t
    }

    /// A list of numbers, given as a list or a range (or anything `for` walks that yields numbers).
    public func numbers(_ name: String) throws -> [Double] {
        let elements: [Value]
        switch self[name] {
        case .list(let xs): elements = xs
        case .range(let r):
            guard r.count <= Operators.maxElements else {
                throw valueError(name, "is a range of \(r.count) numbers, more than \(Operators.maxElements) can be listed at once")
            }
            return (0..<r.count).map { r.element($0) }
        case .object(let o) where o.count != nil:
            elements = try (0..<(o.count ?? 0)).map { try o.element(at: $0) }
        default: throw typeError(name, expected: "a list of numbers")
        }
        return try elements.enumerated().map { i, v in
            guard case .number(let x) = v else {
                throw RuntimeError(
                    .typeError, "\(function): argument '\(name)' must be a list of numbers, but element \(i) is a \(v.typeName)")
            }
            return x
        }
    }

    /// A list of strings.
    public func strings(_ name: String) throws -> [String] {
        try list(name).enumerated().map { i, v in
            guard case .string(let s) = v else {
                throw RuntimeError(
                    .typeError, "\(function): argument '\(name)' must be a list of strings, but element \(i) is a \(v.typeName)")
            }
            return s
        }
    }
}

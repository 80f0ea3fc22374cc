// Builtins: functions written in Swift that the language calls by name.

/// A function written in Swift and callable from the language. The General builtins of the
/// contract are always present; engine bindings add theirs through `Session(builtins:)`.
///
/// ```swift
/// Builtin(
///     name: "params", parameters: [.init("model")],
///     summary: "Counts a model's parameters.", example: "params(m)  # 1204224"
/// ) { args, context in
///     let m = try args.object("model", as: ModelHandle.self)
///     return .int(m.parameterCount)
/// }
/// ```
public struct Builtin {
    /// One parameter: a name and, when it may be omitted or passed by label, a default.
    public struct Parameter {
        public var name: String
        /// The value used when the argument is not passed; nil makes the parameter required.
        public var defaultValue: Value?

        /// `Parameter("epochs", default: 1)`; use `default: .null` for an optional argument whose default is `nil`.
        public init(_ name: String, default defaultValue: Value? = nil) {
            self.name = name
            self.defaultValue = defaultValue
        }
    }

    /// The implementation: gets the bound arguments and the call context, returns the result.
    public typealias Body = (Arguments, CallContext) throws -> Value

    /// The name the language calls it by.
    public var name: String
    public var parameters: [Parameter]
    /// Whether extra positional arguments are accepted (they arrive in `Arguments.rest`).
    public var isVariadic: Bool
    /// One line: what it does.
    public var summary: String
    /// The call as `help` shows it, e.g. `sft(model, data, epochs: 1, lr: 0.001)`.
    public var signature: String
    /// One example, as code (may hold a trailing `# comment` with the result).
    public var example: String
    /// A short group name for `help()` (e.g. "General", "Data", "Training").
    public var category: String
    public var body: Body

    /// - Parameter signature: defaults to one derived from the parameters (`name(a, b, lr: 0.001)`).
    public init(
        name: String, parameters: [Parameter] = [], isVariadic: Bool = false, summary: String,
        signature: String? = nil, example: String, category: String = "General", body: @escaping Body
    ) {
        self.name = name
        self.parameters = parameters
        self.isVariadic = isVariadic
        self.summary = summary
        self.example = example
        self.category = category
        self.body = body
        self.signature = signature ?? Builtin.makeSignature(name: name, parameters: parameters, variadic: isVariadic)
    }

    static func makeSignature(name: String, parameters: [Parameter], variadic: Bool) -> String {
        var parts = parameters.map { p in
            p.defaultValue.map { "\(p.name): \($0.plainText)" } ?? p.name
        }
        if variadic { parts.append("…") }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }

    /// The help text: signature, summary and example.
    public var helpText: String {
        "\(signature)\n    \(summary)\n\nExample:\n    \(example)"
    }
}

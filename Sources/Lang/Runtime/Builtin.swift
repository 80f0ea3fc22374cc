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
    /// Where to read more: a path in the repository (e.g. "docs/method.md").
    public var link: String
    /// Labels the builtin no longer takes, each with the one that replaced it: passing an old
    /// label is an error that names the new one.
    public var renamedLabels: [String: String]
    public var body: Body

    /// - Parameter signature: defaults to one derived from the parameters (`name(a, b, lr: 0.001)`).
    public init(
        name: String, parameters: [Parameter] = [], isVariadic: Bool = false, summary: String,
        signature: String? = nil, example: String, category: String = "General", link: String = "docs/language.md",
        renamedLabels: [String: String] = [:], body: @escaping Body
    ) {
        self.name = name
        self.parameters = parameters
        self.isVariadic = isVariadic
        self.summary = summary
        self.example = example
        self.category = category
        self.link = link
        self.renamedLabels = renamedLabels
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

    /// The help text: signature, summary, example and link.
    public var helpText: String { FunctionValue(builtin: self).helpText }
}

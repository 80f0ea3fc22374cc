// Function values: user functions defined with `fn` and builtins, behind one reference type.

/// A function value: a user function (`fn name(a, b: 1) { … }`) or a builtin.
/// Functions compare by identity and print as `<fn name(a, b: 1)>`.
public final class FunctionValue {
    /// The function's name (`"fn"` for an anonymous one).
    public let name: String
    let parameters: [Builtin.Parameter]
    let isVariadic: Bool
    let kind: Kind
    /// For help: the signature, a one-line summary (a user function's doc comment) and an example.
    public let signature: String
    public let summary: String?
    public let example: String?
    /// Where to read more (builtins only).
    public let link: String?
    /// Labels a builtin no longer takes, each with its replacement.
    let renamedLabels: [String: String]

    enum Kind {
        case builtin(Builtin.Body)
        case user(UserFunction)
    }

    /// A function value for a builtin.
    public init(builtin: Builtin) {
        name = builtin.name
        parameters = builtin.parameters
        isVariadic = builtin.isVariadic
        parameterNames = builtin.parameters.map(\.name)
        kind = .builtin(builtin.body)
        signature = builtin.signature
        summary = builtin.summary
        example = builtin.example
        link = builtin.link
        renamedLabels = builtin.renamedLabels
    }

    init(user: UserFunction, name: String, parameters: [Builtin.Parameter], doc: String?) {
        self.name = name
        self.parameters = parameters
        isVariadic = false
        parameterNames = parameters.map(\.name)
        kind = .user(user)
        signature = Builtin.makeSignature(name: name, parameters: parameters, variadic: false)
        summary = doc
        example = nil
        link = nil
        renamedLabels = [:]
    }

    /// Whether this is a builtin rather than a user function.
    public var isBuiltin: Bool {
        if case .builtin = kind { return true }
        return false
    }

    /// The parameter names, in order.
    public let parameterNames: [String]

    /// The text `help(f)` shows.
    public var helpText: String {
        var text = signature
        if let summary, !summary.isEmpty {
            text += "\n    " + summary.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n    ")
        }
        if let example, !example.isEmpty { text += "\n\nExample:\n    \(example)" }
        if let link { text += "\n\nMore: \(link)" }
        if case .user(let code) = kind, let location = code.location {
            text += "\n\nDefined at \(location)."
        }
        return text
    }
}

/// A compiled user function: its body, the frame it closes over and where its parameters live.
final class UserFunction {
    let body: Code
    let frameSize: Int
    let captured: Frame
    let defaults: [Value?]
    let location: SourceLocation?

    init(body: @escaping Code, frameSize: Int, captured: Frame, defaults: [Value?], location: SourceLocation?) {
        self.body = body
        self.frameSize = frameSize
        self.captured = captured
        self.defaults = defaults
        self.location = location
    }
}

// The syntax tree: statements and expressions as indirect enums, each node with its location.

/// Binary operators, by the contract's precedence (see `Parser`).
enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%", power = "^"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and, or
}

/// One argument of a call: positional (`label == nil`) or labelled.
struct Argument {
    var label: String?
    var value: Expr
    var location: SourceLocation
}

/// A parameter of a function definition, with an optional default.
struct ParameterDecl {
    var name: String
    var defaultValue: Expr?
    var location: SourceLocation
}

/// A function definition: `fn name(a, b: 1) { … }` or anonymous `fn(x) { … }`.
struct FunctionDecl {
    var name: String?
    var parameters: [ParameterDecl]
    var body: [Stmt]
    var location: SourceLocation
    /// The full-line comments directly above the definition.
    var doc: String?
}

/// One `if`/`else if` arm.
struct ConditionalBranch {
    var condition: Expr
    var body: [Stmt]
}

indirect enum Expr {
    case number(Double, SourceLocation)
    case string(String, SourceLocation)
    case bool(Bool, SourceLocation)
    case null(SourceLocation)
    case name(String, SourceLocation)
    case list([Expr], SourceLocation)
    case record([(key: String, value: Expr)], SourceLocation)
    case negate(Expr, SourceLocation)
    case not(Expr, SourceLocation)
    case binary(BinaryOperator, Expr, Expr, SourceLocation)
    case range(Expr, Expr, closed: Bool, SourceLocation)
    case call(Expr, [Argument], SourceLocation)
    case index(Expr, Expr, SourceLocation)
    case field(Expr, String, SourceLocation)
    case conditional([ConditionalBranch], otherwise: [Stmt]?, SourceLocation)
    case function(FunctionDecl)

    var location: SourceLocation {
        switch self {
        case .number(_, let l), .string(_, let l), .bool(_, let l), .null(let l), .name(_, let l),
            .list(_, let l), .record(_, let l), .negate(_, let l), .not(_, let l),
            .binary(_, _, _, let l), .range(_, _, _, let l), .call(_, _, let l), .index(_, _, let l),
            .field(_, _, let l), .conditional(_, _, let l):
            return l
        case .function(let decl):
            return decl.location
        }
    }
}

indirect enum Stmt {
    case expression(Expr)
    case assign(String, Expr, SourceLocation)
    /// `x += e` and friends.
    case compoundAssign(String, BinaryOperator, Expr, SourceLocation)
    /// `fn name(…) { … }` binds `name`.
    case function(FunctionDecl)
    case forLoop(variable: String, sequence: Expr, body: [Stmt], SourceLocation)
    case whileLoop(condition: Expr, body: [Stmt], SourceLocation)
    case breakLoop(SourceLocation)
    case continueLoop(SourceLocation)
    case returnValue(Expr?, SourceLocation)

    var location: SourceLocation {
        switch self {
        case .expression(let e): return e.location
        case .assign(_, _, let l), .compoundAssign(_, _, _, let l), .forLoop(_, _, _, let l),
            .whileLoop(_, _, let l), .breakLoop(let l), .continueLoop(let l), .returnValue(_, let l):
            return l
        case .function(let decl): return decl.location
        }
    }
}

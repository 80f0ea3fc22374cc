// The parser: tokens to statements, by recursive descent; the first error is reported precisely.
//
// Precedence, loosest first (LANGUAGE.md): or; and; not; == != < <= > >=; ... ..<; + -; * / %;
// unary -; ^ (right-associative); postfix call f(…), index x[i], field x.name.
// Newlines end statements; inside () [] and record braces, and after a binary operator or a
// comma, the parser skips them.

struct Parser {
    let source: SourceText
    let tokens: [Token]
    let comments: [Int: String]
    var i = 0
    var loopDepth = 0
    var functionDepth = 0
    var nesting = 0
    /// Nesting also stops when the thread's stack runs low (debug builds use far more per level).
    var stack = StackGuard()
    /// The syntax tree may be this deep (each bracket, block, operator and postfix step is a
    /// level); deeper input is rejected rather than risking the stack of whatever thread parses,
    /// compiles, runs or finally frees it.
    static let maxNesting = 200

    /// Parses a whole program (a cell, a REPL entry or a script).
    static func parse(_ source: SourceText) throws(SyntaxError) -> [Stmt] {
        let (tokens, comments) = try Lexer.tokenize(source)
        return try parse(source, tokens: tokens, comments: comments)
    }

    /// Parses tokens already made from `source`.
    static func parse(_ source: SourceText, tokens: [Token], comments: [Int: String]) throws(SyntaxError) -> [Stmt] {
        var parser = Parser(source: source, tokens: tokens, comments: comments)
        parser.stack.arm()
        return try parser.parseProgram()
    }

    // MARK: - Token helpers

    var current: Token { tokens[i] }
    var next: Token { tokens[min(i + 1, tokens.count - 1)] }

    func check(_ kind: TokenKind) -> Bool { tokens[i].kind == kind }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[i]
        if i < tokens.count - 1 { i += 1 }
        return t
    }

    mutating func match(_ kind: TokenKind) -> Bool {
        guard check(kind) else { return false }
        advance()
        return true
    }

    mutating func skipNewlines() {
        while check(.newline) { advance() }
    }

    mutating func skipSeparators() {
        while check(.newline) || check(.semicolon) { advance() }
    }

    func error(_ message: String, at token: Token) -> SyntaxError {
        SyntaxError(message: message, location: token.location, sourceLine: source.line(token.location.line),
                    atEndOfInput: token.kind == .eof)
    }

    /// `expected ')' <context>, got <what is there>`.
    func expected(_ what: String, _ context: @autoclosure () -> String) -> SyntaxError {
        let context = context()
        let suffix = context.isEmpty ? "" : " " + context
        return error("expected \(what)\(suffix), got \(current.display)", at: current)
    }

    @discardableResult
    mutating func expect(_ kind: TokenKind, _ context: @autoclosure () -> String) throws(SyntaxError) -> Token {
        guard check(kind) else { throw expected(kind.display, context()) }
        return advance()
    }

    mutating func enter() throws(SyntaxError) {
        nesting += 1
        if nesting > Parser.maxNesting {
            throw error("the code is nested too deeply (more than \(Parser.maxNesting) levels)", at: current)
        }
        if stack.isNearlyFull() {
            throw error("the code is nested too deeply for this thread's stack", at: current)
        }
    }

    mutating func leave() { nesting -= 1 }

    // MARK: - Statements

    mutating func parseProgram() throws(SyntaxError) -> [Stmt] {
        var statements: [Stmt] = []
        skipSeparators()
        while !check(.eof) {
            if check(.rightBrace) || check(.rightParen) || check(.rightBracket) {
                throw error("unexpected \(current.display) with nothing open to close", at: current)
            }
            statements.append(try parseStatement())
            try endStatement()
            skipSeparators()
        }
        return statements
    }

    mutating func endStatement() throws(SyntaxError) {
        switch current.kind {
        case .newline, .semicolon, .eof, .rightBrace: return
        default: throw expected("a new line or ';'", "after the statement")
        }
    }

    /// `{ statements }`; `what` names the construct for messages ("the loop body").
    mutating func parseBlock(_ what: @autoclosure () -> String) throws(SyntaxError) -> [Stmt] {
        let open = try expect(.leftBrace, "to start \(what())")
        try enter()
        defer { leave() }
        var statements: [Stmt] = []
        skipSeparators()
        while !check(.rightBrace) {
            if check(.eof) {
                throw error("expected '}' to close \(what()) opened at \(open.location), got end of input", at: current)
            }
            statements.append(try parseStatement())
            try endStatement()
            skipSeparators()
        }
        advance()
        return statements
    }

    mutating func parseStatement() throws(SyntaxError) -> Stmt {
        let start = current
        switch start.kind {
        case .kwFn where next.kind == .identifier:
            return .function(try parseFunction())
        case .kwFor:
            advance()
            let variable = try expect(.identifier, "(a loop variable name) after 'for'")
            try expect(.kwIn, "after the loop variable '\(variable.text)'")
            let sequence = try parseExpression()
            loopDepth += 1
            defer { loopDepth -= 1 }
            let body = try parseBlock("the body of the for loop")
            return .forLoop(variable: variable.text, sequence: sequence, body: body, start.location)
        case .kwWhile:
            advance()
            let condition = try parseExpression()
            loopDepth += 1
            defer { loopDepth -= 1 }
            let body = try parseBlock("the body of the while loop")
            return .whileLoop(condition: condition, body: body, start.location)
        case .kwBreak, .kwContinue:
            advance()
            guard loopDepth > 0 else {
                throw error("'\(start.kind == .kwBreak ? "break" : "continue")' outside a loop", at: start)
            }
            return start.kind == .kwBreak ? .breakLoop(start.location) : .continueLoop(start.location)
        case .kwReturn:
            advance()
            guard functionDepth > 0 else { throw error("'return' outside a function", at: start) }
            switch current.kind {
            case .newline, .semicolon, .eof, .rightBrace:
                return .returnValue(nil, start.location)
            default:
                return .returnValue(try parseExpression(), start.location)
            }
        case .identifier where next.kind == .assign:
            advance()
            advance()
            skipNewlines()
            return .assign(start.text, try parseExpression(), start.location)
        case .identifier where [.plusAssign, .minusAssign, .starAssign, .slashAssign].contains(next.kind):
            advance()
            let op: BinaryOperator = switch advance().kind {
            case .plusAssign: .add
            case .minusAssign: .subtract
            case .starAssign: .multiply
            default: .divide
            }
            skipNewlines()
            return .compoundAssign(start.text, op, try parseExpression(), start.location)
        default:
            let expr = try parseExpression()
            if check(.assign) || check(.plusAssign) || check(.minusAssign) || check(.starAssign) || check(.slashAssign) {
                let what: String
                switch expr {
                case .index: what = "an element: lists and records are values that do not change (build a new one, e.g. xs = xs + [v])"
                case .field: what = "a field: records are values that do not change (build a new one, e.g. r = r + {key: v})"
                default: what = "this expression: only a name can be assigned"
                }
                throw error("cannot assign to \(what)", at: current)
            }
            return .expression(expr)
        }
    }

    /// `fn name(params) { body }` or, without a name, an anonymous function.
    mutating func parseFunction() throws(SyntaxError) -> FunctionDecl {
        let start = advance()
        var name: String?
        if check(.identifier) { name = advance().text }
        let label = name.map { "'\($0)'" } ?? "the function"
        try expect(.leftParen, "after \(name.map { "fn \($0)" } ?? "fn") to start the parameter list")
        var parameters: [ParameterDecl] = []
        skipNewlines()
        while !check(.rightParen) {
            let p = try expect(.identifier, "(a parameter name) in the parameters of \(label)")
            if parameters.contains(where: { $0.name == p.text }) {
                throw error("parameter '\(p.text)' appears twice", at: p)
            }
            var defaultValue: Expr?
            if match(.colon) {
                skipNewlines()
                defaultValue = try parseExpression()
            } else if parameters.contains(where: { $0.defaultValue != nil }) {
                throw error("parameter '\(p.text)' needs a default: it follows a parameter that has one", at: p)
            }
            parameters.append(ParameterDecl(name: p.text, defaultValue: defaultValue, location: p.location))
            skipNewlines()
            if !match(.comma) {
                guard check(.rightParen) else { throw expected("',' or ')'", "in the parameters of \(label)") }
                break
            }
            skipNewlines()
        }
        advance()
        let savedLoops = loopDepth
        loopDepth = 0
        functionDepth += 1
        defer {
            loopDepth = savedLoops
            functionDepth -= 1
        }
        let body = try parseBlock("the body of \(label)")
        return FunctionDecl(name: name, parameters: parameters, body: body, location: start.location,
                            doc: docComment(above: start.location.line))
    }

    /// The full-line comments right above `line`, joined.
    func docComment(above line: Int) -> String? {
        var lines: [String] = []
        var l = line - 1
        while let text = comments[l] {
            lines.append(text)
            l -= 1
        }
        return lines.isEmpty ? nil : lines.reversed().joined(separator: "\n")
    }
}

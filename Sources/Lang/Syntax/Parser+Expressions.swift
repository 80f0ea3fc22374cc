// The expression half of the parser, one function per precedence level, loosest first.

extension Parser {
    mutating func parseExpression() throws(SyntaxError) -> Expr {
        try enter()
        defer { leave() }
        return try parseOr()
    }

    mutating func parseOr() throws(SyntaxError) -> Expr {
        var left = try parseAnd()
        var depth = 0
        defer { nesting -= depth }
        while check(.kwOr) {
            try enter()
            depth += 1
            let op = advance()
            skipNewlines()
            left = .binary(.or, left, try parseAnd(), op.location)
        }
        return left
    }

    mutating func parseAnd() throws(SyntaxError) -> Expr {
        var left = try parseNot()
        var depth = 0
        defer { nesting -= depth }
        while check(.kwAnd) {
            try enter()
            depth += 1
            let op = advance()
            skipNewlines()
            left = .binary(.and, left, try parseNot(), op.location)
        }
        return left
    }

    mutating func parseNot() throws(SyntaxError) -> Expr {
        guard check(.kwNot) else { return try parseComparison() }
        let op = advance()
        skipNewlines()
        try enter()
        defer { leave() }
        return .not(try parseNot(), op.location)
    }

    mutating func parseComparison() throws(SyntaxError) -> Expr {
        var left = try parseRange()
        var depth = 0
        defer { nesting -= depth }
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .equal: op = .equal
            case .notEqual: op = .notEqual
            case .less: op = .less
            case .lessEqual: op = .lessEqual
            case .greater: op = .greater
            case .greaterEqual: op = .greaterEqual
            default: return left
            }
            try enter()
            depth += 1
            let token = advance()
            skipNewlines()
            left = .binary(op, left, try parseRange(), token.location)
        }
    }

    mutating func parseRange() throws(SyntaxError) -> Expr {
        let left = try parseAdditive()
        guard check(.closedRange) || check(.halfOpenRange) else { return left }
        let op = advance()
        skipNewlines()
        let right = try parseAdditive()
        if check(.closedRange) || check(.halfOpenRange) {
            throw error("a range cannot be the bound of another range", at: current)
        }
        return .range(left, right, closed: op.kind == .closedRange, op.location)
    }

    mutating func parseAdditive() throws(SyntaxError) -> Expr {
        var left = try parseMultiplicative()
        var depth = 0
        defer { nesting -= depth }
        while check(.plus) || check(.minus) {
            try enter()
            depth += 1
            let op = advance()
            skipNewlines()
            left = .binary(op.kind == .plus ? .add : .subtract, left, try parseMultiplicative(), op.location)
        }
        return left
    }

    mutating func parseMultiplicative() throws(SyntaxError) -> Expr {
        var left = try parseUnary()
        var depth = 0
        defer { nesting -= depth }
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .star: op = .multiply
            case .slash: op = .divide
            case .percent: op = .remainder
            default: return left
            }
            try enter()
            depth += 1
            let token = advance()
            skipNewlines()
            left = .binary(op, left, try parseUnary(), token.location)
        }
    }

    mutating func parseUnary() throws(SyntaxError) -> Expr {
        guard check(.minus) else { return try parsePower() }
        let op = advance()
        try enter()
        defer { leave() }
        let operand = try parseUnary()
        if case .number(let x, _) = operand { return .number(-x, op.location) }
        return .negate(operand, op.location)
    }

    /// `^` binds tighter than unary minus and is right-associative: `-2^2` is -4, `2^3^2` is 512.
    mutating func parsePower() throws(SyntaxError) -> Expr {
        let base = try parsePostfix()
        guard check(.caret) else { return base }
        let op = advance()
        skipNewlines()
        try enter()
        defer { leave() }
        return .binary(.power, base, try parseUnary(), op.location)
    }

    mutating func parsePostfix() throws(SyntaxError) -> Expr {
        var expr = try parsePrimary()
        var depth = 0
        defer { nesting -= depth }
        while true {
            switch current.kind {
            case .leftParen, .leftBracket, .dot:
                try enter()
                depth += 1
            default:
                break
            }
            switch current.kind {
            case .leftParen:
                let open = advance()
                expr = .call(expr, try parseArguments(callee: expr), open.location)
            case .leftBracket:
                let open = advance()
                skipNewlines()
                let index = try parseExpression()
                skipNewlines()
                try expect(.rightBracket, "to close the index opened at \(open.location)")
                expr = .index(expr, index, open.location)
            case .dot:
                let dot = advance()
                guard check(.identifier) || TokenKind.keywords[current.text] != nil && !current.text.isEmpty else {
                    throw expected("a field name", "after '.'")
                }
                expr = .field(expr, advance().text, dot.location)
            default:
                return expr
            }
        }
    }

    /// After `(`: positional arguments, then labelled ones, then `)`.
    mutating func parseArguments(callee: Expr) throws(SyntaxError) -> [Argument] {
        var name: String {
            if case .name(let n, _) = callee { return "'\(n)'" }
            return "the function"
        }
        var arguments: [Argument] = []
        var sawLabel = false
        skipNewlines()
        while !check(.rightParen) {
            let start = current
            var label: String?
            if start.kind == .identifier, next.kind == .colon {
                label = start.text
                advance()
                advance()
                skipNewlines()
                sawLabel = true
            } else if sawLabel {
                throw error("positional argument after a labelled one in the call to \(name): positional arguments come first", at: start)
            }
            arguments.append(Argument(label: label, value: try parseExpression(), location: start.location))
            skipNewlines()
            if !match(.comma) {
                guard check(.rightParen) else { throw expected("',' or ')'", "in the call to \(name)") }
                break
            }
            skipNewlines()
        }
        advance()
        return arguments
    }

    mutating func parsePrimary() throws(SyntaxError) -> Expr {
        let token = current
        switch token.kind {
        case .number:
            advance()
            return .number(token.number, token.location)
        case .string:
            advance()
            return .string(token.text, token.location)
        case .kwTrue, .kwFalse:
            advance()
            return .bool(token.kind == .kwTrue, token.location)
        case .kwNil:
            advance()
            return .null(token.location)
        case .identifier:
            advance()
            return .name(token.text, token.location)
        case .leftParen:
            advance()
            skipNewlines()
            let inner = try parseExpression()
            skipNewlines()
            try expect(.rightParen, "to close the '(' at \(token.location)")
            return inner
        case .leftBracket:
            advance()
            var elements: [Expr] = []
            skipNewlines()
            while !check(.rightBracket) {
                elements.append(try parseExpression())
                skipNewlines()
                if !match(.comma) {
                    guard check(.rightBracket) else { throw expected("',' or ']'", "in the list opened at \(token.location)") }
                    break
                }
                skipNewlines()
            }
            advance()
            return .list(elements, token.location)
        case .leftBrace:
            return try parseRecord()
        case .kwIf:
            return try parseConditional()
        case .kwFn:
            try enter()
            defer { leave() }
            return .function(try parseFunction())
        default:
            throw expected("an expression", "")
        }
    }

    /// `{key: value, "other key": value, name}`: the last form is short for `{name: name}`.
    mutating func parseRecord() throws(SyntaxError) -> Expr {
        let open = advance()
        var fields: [(key: String, value: Expr)] = []
        skipNewlines()
        while !check(.rightBrace) {
            let keyToken = current
            let key: String
            switch keyToken.kind {
            case .identifier, .string:
                key = keyToken.text
            default:
                if TokenKind.keywords[keyToken.text] != nil, !keyToken.text.isEmpty {
                    key = keyToken.text
                } else {
                    throw expected("a field name", "in the record opened at \(open.location)")
                }
            }
            advance()
            if fields.contains(where: { $0.key == key }) {
                throw error("field '\(key)' appears twice in the record", at: keyToken)
            }
            if match(.colon) {
                skipNewlines()
                fields.append((key, try parseExpression()))
            } else if keyToken.kind == .identifier {
                fields.append((key, .name(key, keyToken.location)))
            } else {
                throw expected("':'", "after the field name \(keyToken.display)")
            }
            skipNewlines()
            if !match(.comma) {
                guard check(.rightBrace) else { throw expected("',' or '}'", "in the record opened at \(open.location)") }
                break
            }
            skipNewlines()
        }
        advance()
        return .record(fields, open.location)
    }

    /// `if c { … } else if d { … } else { … }`, an expression.
    mutating func parseConditional() throws(SyntaxError) -> Expr {
        let start = current
        try enter()
        defer { leave() }
        var branches: [ConditionalBranch] = []
        var otherwise: [Stmt]?
        repeat {
            advance()  // `if`
            let condition = try parseExpression()
            branches.append(ConditionalBranch(condition: condition, body: try parseBlock("the body of the if")))
            // `else` may follow on a later line: no statement can start with it.
            let save = i
            skipNewlines()
            guard match(.kwElse) else {
                i = save
                break
            }
            if !check(.kwIf) {
                otherwise = try parseBlock("the else branch")
                break
            }
        } while true
        return .conditional(branches, otherwise: otherwise, start.location)
    }
}

// Help for editors and front ends: is the code complete, what completes it, what is this name.

extension Session {
    /// Whether code is ready to run: `.incomplete(indent:)` while brackets or braces are open or
    /// the last line ends with a binary operator or a comma; `.invalid` when no more lines can
    /// fix it (a stray `)`, a malformed token); `.complete` otherwise.
    public func isComplete(_ code: String) -> Completeness {
        let source = SourceText(code)
        do {
            _ = try Parser.parse(source)
            return .complete
        } catch {
            guard error.atEndOfInput else { return .invalid }
            var depth = 0
            if let (tokens, _) = try? Lexer.tokenize(source) {
                for t in tokens {
                    switch t.kind {
                    case .leftParen, .leftBracket, .leftBrace: depth += 1
                    case .rightParen, .rightBracket, .rightBrace: depth = max(0, depth - 1)
                    default: break
                    }
                }
            }
            return .incomplete(indent: String(repeating: " ", count: 4 * max(depth, 1)))
        }
    }
}

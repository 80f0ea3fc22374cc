import Testing
@testable import Lang

@Suite struct LexerTests {
    func kinds(_ code: String) throws -> [TokenKind] {
        try Lexer.tokenize(SourceText(code)).tokens.map(\.kind)
    }

    func numbers(_ code: String) throws -> [Double] {
        try Lexer.tokenize(SourceText(code)).tokens.filter { $0.kind == .number }.map(\.number)
    }

    @Test func numberForms() throws {
        #expect(try numbers("42 3.5 1e-3 8_000 2.5E+2 1_000.000_5") == [42, 3.5, 0.001, 8000, 250, 1000.0005])
    }

    @Test func rangeAfterNumberIsNotADecimalPoint() throws {
        #expect(try kinds("1...4") == [.number, .closedRange, .number, .eof])
        #expect(try kinds("0..<4") == [.number, .halfOpenRange, .number, .eof])
        #expect(try kinds("1.5...2") == [.number, .closedRange, .number, .eof])
        #expect(try kinds("x.y") == [.identifier, .dot, .identifier, .eof])
    }

    @Test func stringEscapes() throws {
        let tokens = try Lexer.tokenize(SourceText(#""a\n\t\"\\\u{1F600}\u{41}""#)).tokens
        #expect(tokens.first?.kind == .string)
        #expect(tokens.first?.text == "a\n\t\"\\😀A")
    }

    @Test func keywordsAndIdentifiers() throws {
        #expect(try kinds("fn return if else for in while break continue true false nil and or not")
            == [.kwFn, .kwReturn, .kwIf, .kwElse, .kwFor, .kwIn, .kwWhile, .kwBreak, .kwContinue,
                .kwTrue, .kwFalse, .kwNil, .kwAnd, .kwOr, .kwNot, .eof])
        let tokens = try Lexer.tokenize(SourceText("_a1 Ab ab élan")).tokens
        #expect(tokens.filter { $0.kind == .identifier }.map(\.text) == ["_a1", "Ab", "ab", "élan"])
    }

    @Test func operators() throws {
        #expect(try kinds("+ - * / % ^ = += -= *= /= == != < <= > >= ( ) [ ] { } , : ; .")
            == [.plus, .minus, .star, .slash, .percent, .caret, .assign, .plusAssign, .minusAssign,
                .starAssign, .slashAssign, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual,
                .leftParen, .rightParen, .leftBracket, .rightBracket, .leftBrace, .rightBrace, .comma,
                .colon, .semicolon, .dot, .eof])
    }

    @Test func newlinesCollapseAndCommentsVanish() throws {
        #expect(try kinds("a # note\n\n\n  # only a comment\nb") == [.identifier, .newline, .identifier, .eof])
    }

    @Test func fullLineCommentsAreKeptForDocs() throws {
        let comments = try Lexer.tokenize(SourceText("# first\nx = 1 # trailing\n## second")).comments
        #expect(comments == [1: "first", 3: "second"])
    }

    @Test func locationsAreLineAndColumn() throws {
        let tokens = try Lexer.tokenize(SourceText("x = 1\n  yy")).tokens
        #expect(tokens.map(\.location) == [
            SourceLocation(line: 1, column: 1), SourceLocation(line: 1, column: 3),
            SourceLocation(line: 1, column: 5), SourceLocation(line: 1, column: 6),
            SourceLocation(line: 2, column: 3), SourceLocation(line: 2, column: 5),
        ])
    }

    @Test(arguments: [
        ("\"open", "unterminated string: a string must end with '\"' on the same line", 1),
        ("x = 1 ! 2", "unexpected '!': use 'not' for negation and '!=' for inequality", 7),
        ("a || b", "unexpected '||': use 'or'", 3),
        ("\"\\u{110000}\"", "invalid \\u{…} escape: expected 1 to 8 hex digits naming a Unicode scalar", 2),
        ("3x", "unexpected 'x' right after a number", 2),
        ("@", "unexpected character '@'", 1),
    ])
    func errors(code: String, message: String, column: Int) {
        #expect(throws: SyntaxError.self) { try Lexer.tokenize(SourceText(code)) }
        do {
            _ = try Lexer.tokenize(SourceText(code))
        } catch {
            #expect(error.message == message)
            #expect(error.location.column == column)
        }
    }
}

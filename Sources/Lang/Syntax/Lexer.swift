// The lexer: source text to tokens, with the first malformed spot reported as a SyntaxError.

/// Source text split for error displays: its Unicode scalars and its lines.
final class SourceText {
    let text: String
    let scalars: [Unicode.Scalar]
    /// Split only when an error needs a source line.
    lazy var lines: [String] = text.split(separator: "\n", omittingEmptySubsequences: false).map {
        $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
    }

    init(_ text: String) {
        self.text = text
        scalars = Array(text.unicodeScalars)
    }

    /// The text of a 1-based line, or "" past the end.
    func line(_ n: Int) -> String {
        n >= 1 && n <= lines.count ? lines[n - 1] : ""
    }
}

/// Turns source text into tokens. Newlines are tokens (the parser decides where they end a
/// statement); comments are dropped, but full-line comments are kept by line for doc text.
struct Lexer {
    private let source: SourceText
    private let s: [Unicode.Scalar]
    private var pos = 0
    private var line = 1
    private var lineStart = 0
    private var tokens: [Token] = []
    /// Comments that fill a whole line, by line number (text after `#`, trimmed).
    private(set) var lineComments: [Int: String] = [:]

    init(_ source: SourceText) {
        self.source = source
        s = source.scalars
    }

    /// All tokens, ending with `.eof`; throws the first lexical error.
    static func tokenize(_ source: SourceText) throws(SyntaxError) -> (tokens: [Token], comments: [Int: String]) {
        var lexer = Lexer(source)
        try lexer.run()
        return (lexer.tokens, lexer.lineComments)
    }

    private var location: SourceLocation { SourceLocation(line: line, column: pos - lineStart + 1) }

    private func error(_ message: String, at loc: SourceLocation, atEnd: Bool = false) -> SyntaxError {
        SyntaxError(message: message, location: loc, sourceLine: source.line(loc.line), atEndOfInput: atEnd)
    }

    private func peek(_ k: Int = 0) -> Unicode.Scalar? {
        pos + k < s.count ? s[pos + k] : nil
    }

    private mutating func add(_ kind: TokenKind, from start: Int, at loc: SourceLocation, text: String = "", number: Double = 0) {
        var loc = loc
        // A line break or the end of input is reported just after the last token before it,
        // where the missing piece belongs (not after a trailing comment).
        if kind == .newline || kind == .eof, let last = tokens.last(where: { $0.kind != .newline }) {
            loc = SourceLocation(line: last.location.line, column: last.location.column + (last.end - last.start))
        }
        tokens.append(Token(kind: kind, text: text, number: number, location: loc, start: start, end: pos))
    }

    private mutating func run() throws(SyntaxError) {
        var lineHasToken = false
        while pos < s.count {
            let c = s[pos]
            let start = pos
            let loc = location
            switch c {
            case " ", "\t", "\r":
                pos += 1
            case "\n":
                pos += 1
                if let last = tokens.last, last.kind != .newline {
                    add(.newline, from: start, at: loc)
                }
                line += 1
                lineStart = pos
                lineHasToken = false
            case "#":
                while pos < s.count && s[pos] != "\n" { pos += 1 }
                if !lineHasToken {
                    var text = String(String.UnicodeScalarView(s[(start + 1)..<pos]))
                    while text.hasPrefix("#") { text.removeFirst() }
                    lineComments[loc.line] = text.trimmingSpaces
                }
            case "0"..."9":
                try lexNumber(start: start, loc: loc)
                lineHasToken = true
            case "\"":
                try lexString(start: start, loc: loc)
                lineHasToken = true
            default:
                if c.isIdentifierStart {
                    while let d = peek(), d.isIdentifierPart { pos += 1 }
                    let name = String(String.UnicodeScalarView(s[start..<pos]))
                    if let keyword = TokenKind.keywords[name] {
                        add(keyword, from: start, at: loc, text: name)
                    } else {
                        add(.identifier, from: start, at: loc, text: name)
                    }
                } else {
                    try lexPunctuation(c, start: start, loc: loc)
                }
                lineHasToken = true
            }
        }
        add(.eof, from: pos, at: location)
    }

    private mutating func lexNumber(start: Int, loc: SourceLocation) throws(SyntaxError) {
        var digits = ""
        func takeDigits(_ lexer: inout Lexer, into digits: inout String) {
            while let d = lexer.peek(), d.isDigit || (d == "_" && (lexer.peek(1)?.isDigit ?? false)) {
                if d != "_" { digits.unicodeScalars.append(d) }
                lexer.pos += 1
            }
        }
        takeDigits(&self, into: &digits)
        if peek() == ".", let next = peek(1), next.isDigit {
            digits += "."
            pos += 1
            takeDigits(&self, into: &digits)
        }
        if let e = peek(), e == "e" || e == "E" {
            var k = 1
            if let sign = peek(1), sign == "+" || sign == "-" { k = 2 }
            if let d = peek(k), d.isDigit {
                digits += "e"
                if k == 2, let sign = peek(1) { digits.unicodeScalars.append(sign) }
                pos += k
                takeDigits(&self, into: &digits)
            }
        }
        if let after = peek(), after.isIdentifierPart {
            throw error("unexpected '\(after)' right after a number", at: location)
        }
        guard let value = Double(digits) else {
            throw error("malformed number '\(digits)'", at: loc)
        }
        add(.number, from: start, at: loc, number: value)
    }

    private mutating func lexString(start: Int, loc: SourceLocation) throws(SyntaxError) {
        pos += 1
        var text = String.UnicodeScalarView()
        while true {
            guard let c = peek(), c != "\n" else {
                throw error("unterminated string: a string must end with '\"' on the same line", at: loc)
            }
            pos += 1
            if c == "\"" { break }
            if c != "\\" {
                text.append(c)
                continue
            }
            let escapeLoc = SourceLocation(line: line, column: pos - lineStart)
            guard let e = peek() else {
                throw error("unterminated string", at: loc)
            }
            pos += 1
            switch e {
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            case "0": text.append("\0")
            case "\"": text.append("\"")
            case "\\": text.append("\\")
            case "u":
                guard peek() == "{" else {
                    throw error("expected '{' after \\u, as in \\u{1F600}", at: escapeLoc)
                }
                pos += 1
                var hex = ""
                while let h = peek(), h.properties.isASCIIHexDigit, hex.count < 8 {
                    hex.unicodeScalars.append(h)
                    pos += 1
                }
                guard peek() == "}", !hex.isEmpty, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                    throw error("invalid \\u{…} escape: expected 1 to 8 hex digits naming a Unicode scalar", at: escapeLoc)
                }
                pos += 1
                text.append(scalar)
            default:
                throw error("unknown escape '\\\(e)' (the escapes are \\n \\t \\r \\0 \\\" \\\\ \\u{…})", at: escapeLoc)
            }
        }
        add(.string, from: start, at: loc, text: String(text))
    }

    private mutating func lexPunctuation(_ c: Unicode.Scalar, start: Int, loc: SourceLocation) throws(SyntaxError) {
        let next = peek(1)
        var kind: TokenKind
        var length = 1
        switch c {
        case "(": kind = .leftParen
        case ")": kind = .rightParen
        case "[": kind = .leftBracket
        case "]": kind = .rightBracket
        case "{": kind = .leftBrace
        case "}": kind = .rightBrace
        case ",": kind = .comma
        case ":": kind = .colon
        case ";": kind = .semicolon
        case "^": kind = .caret
        case "%": kind = .percent
        case "+": kind = next == "=" ? .plusAssign : .plus
        case "-": kind = next == "=" ? .minusAssign : .minus
        case "*": kind = next == "=" ? .starAssign : .star
        case "/": kind = next == "=" ? .slashAssign : .slash
        case "=": kind = next == "=" ? .equal : .assign
        case "<": kind = next == "=" ? .lessEqual : .less
        case ">": kind = next == "=" ? .greaterEqual : .greater
        case "!":
            guard next == "=" else {
                throw error("unexpected '!': use 'not' for negation and '!=' for inequality", at: loc)
            }
            kind = .notEqual
        case ".":
            if next == ".", peek(2) == "." {
                kind = .closedRange
                length = 3
            } else if next == ".", peek(2) == "<" {
                kind = .halfOpenRange
                length = 3
            } else {
                kind = .dot
            }
        case "&" where next == "&":
            throw error("unexpected '&&': use 'and'", at: loc)
        case "|" where next == "|":
            throw error("unexpected '||': use 'or'", at: loc)
        case "'":
            throw error("unexpected \"'\": strings use double quotes", at: loc)
        default:
            let shown = c.properties.isWhitespace || c.value < 32 ? "U+\(String(c.value, radix: 16, uppercase: true))" : String(c)
            throw error("unexpected character '\(shown)'", at: loc)
        }
        if length == 1, [.plusAssign, .minusAssign, .starAssign, .slashAssign, .equal, .lessEqual, .greaterEqual, .notEqual].contains(kind) {
            length = 2
        }
        pos += length
        add(kind, from: start, at: loc)
    }
}

extension Unicode.Scalar {
    var isDigit: Bool { value &- 48 < 10 }
    /// A letter or `_` (ASCII decided without the Unicode tables).
    var isIdentifierStart: Bool {
        let v = value
        if v < 128 { return (v | 0x20) &- 97 < 26 || v == 95 }
        return properties.isAlphabetic
    }
    var isIdentifierPart: Bool { isIdentifierStart || isDigit }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}

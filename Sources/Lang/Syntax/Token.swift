// Tokens of the latent language.

/// The kinds of token. Keywords and punctuation each have their own case.
enum TokenKind: UInt8, Sendable {
    case number, string, identifier, newline, eof
    // keywords
    case kwFn, kwReturn, kwIf, kwElse, kwFor, kwIn, kwWhile, kwBreak, kwContinue
    case kwTrue, kwFalse, kwNil, kwAnd, kwOr, kwNot
    // brackets and separators
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, colon, semicolon, dot
    // operators
    case plus, minus, star, slash, percent, caret
    case assign, plusAssign, minusAssign, starAssign, slashAssign
    case equal, notEqual, less, lessEqual, greater, greaterEqual
    case closedRange, halfOpenRange

    static let keywords: [String: TokenKind] = [
        "fn": .kwFn, "return": .kwReturn, "if": .kwIf, "else": .kwElse, "for": .kwFor, "in": .kwIn,
        "while": .kwWhile, "break": .kwBreak, "continue": .kwContinue, "true": .kwTrue,
        "false": .kwFalse, "nil": .kwNil, "and": .kwAnd, "or": .kwOr, "not": .kwNot,
    ]

    /// The keywords, for completion.
    static let keywordNames: [String] = keywords.keys.sorted()

    /// Whether a line ending with this token continues on the next line (binary operators, comma).
    var continuesLine: Bool {
        switch self {
        case .comma, .plus, .minus, .star, .slash, .percent, .caret, .assign, .plusAssign,
            .minusAssign, .starAssign, .slashAssign, .equal, .notEqual, .less, .lessEqual, .greater,
            .greaterEqual, .closedRange, .halfOpenRange, .kwAnd, .kwOr, .kwNot, .dot, .colon:
            return true
        default:
            return false
        }
    }

    /// How the token reads in an error message.
    var display: String {
        switch self {
        case .number: return "a number"
        case .string: return "a string"
        case .identifier: return "a name"
        case .newline: return "end of line"
        case .eof: return "end of input"
        case .kwFn: return "'fn'"
        case .kwReturn: return "'return'"
        case .kwIf: return "'if'"
        case .kwElse: return "'else'"
        case .kwFor: return "'for'"
        case .kwIn: return "'in'"
        case .kwWhile: return "'while'"
        case .kwBreak: return "'break'"
        case .kwContinue: return "'continue'"
        case .kwTrue: return "'true'"
        case .kwFalse: return "'false'"
        case .kwNil: return "'nil'"
        case .kwAnd: return "'and'"
        case .kwOr: return "'or'"
        case .kwNot: return "'not'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .comma: return "','"
        case .colon: return "':'"
        case .semicolon: return "';'"
        case .dot: return "'.'"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .star: return "'*'"
        case .slash: return "'/'"
        case .percent: return "'%'"
        case .caret: return "'^'"
        case .assign: return "'='"
        case .plusAssign: return "'+='"
        case .minusAssign: return "'-='"
        case .starAssign: return "'*='"
        case .slashAssign: return "'/='"
        case .equal: return "'=='"
        case .notEqual: return "'!='"
        case .less: return "'<'"
        case .lessEqual: return "'<='"
        case .greater: return "'>'"
        case .greaterEqual: return "'>='"
        case .closedRange: return "'...'"
        case .halfOpenRange: return "'..<'"
        }
    }
}

/// One token: its kind, its text (a name, or a string literal's value), a number's value,
/// and where it is (line/column and Unicode-scalar offsets into the source).
struct Token: Sendable {
    var kind: TokenKind
    var text: String
    var number: Double
    var location: SourceLocation
    var start: Int
    var end: Int

    /// How the token reads in an error message: `'x'`, `')'`, `end of input`.
    var display: String {
        switch kind {
        case .identifier: return "'\(text)'"
        case .number: return "number \(Value.number(number).plainText)"
        case .string: return "string \(Value.string(text).plainText)"
        default: return kind.display
        }
    }
}

// Help for editors and front ends: is the code complete, what completes it, what is this name.

extension Session {
    /// Whether code is ready to run: `.incomplete(indent:)` while brackets or braces are open or
    /// the last line ends with a binary operator or a comma; `.invalid` when no more lines can
    /// fix it (a stray `)`, a malformed token); `.complete` otherwise.
    public func isComplete(_ code: String) -> Completeness {
        let source = SourceText(code)
        guard let (tokens, comments) = try? Lexer.tokenize(source) else { return .invalid }
        // A line that ends with a binary operator or a comma continues on the next one.
        if let last = tokens.last(where: { $0.kind != .newline && $0.kind != .eof }), last.kind.continuesLine {
            return .incomplete(indent: String(repeating: " ", count: 4 * max(Session.openBrackets(tokens), 1)))
        }
        do {
            _ = try Parser.parse(source, tokens: tokens, comments: comments)
            return .complete
        } catch {
            guard error.atEndOfInput else { return .invalid }
            return .incomplete(indent: String(repeating: " ", count: 4 * max(Session.openBrackets(tokens), 1)))
        }
    }

    /// How many brackets and braces are open at the end of the tokens.
    static func openBrackets(_ tokens: [Token]) -> Int {
        var depth = 0
        for t in tokens {
            switch t.kind {
            case .leftParen, .leftBracket, .leftBrace: depth += 1
            case .rightParen, .rightBracket, .rightBrace: depth = max(0, depth - 1)
            default: break
            }
        }
        return depth
    }
}

extension Session {
    /// Completions for the name being typed at `cursor` (in Unicode scalars): top-level names,
    /// builtins, keywords and names used in `code`; after `x.` the fields of `x`; inside a call,
    /// the labels the function takes (`epochs: `).
    public func complete(_ code: String, cursor: Int) -> Completion {
        let s = Array(code.unicodeScalars)
        let end = min(max(cursor, 0), s.count)
        var start = end
        while start > 0, s[start - 1].isIdentifierPart { start -= 1 }
        let prefix = String(String.UnicodeScalarView(s[start..<end]))
        if EditScan.insideString(s, upTo: start) {
            return Completion(matches: [], cursorStart: start, cursorEnd: end)
        }
        var candidates: [String] = []
        if start > 0, s[start - 1] == ".", !(start > 1 && s[start - 2] == ".") {
            if let base = EditScan.chain(s, endingAt: start - 1), let value = lookup(base) {
                candidates = fieldNames(of: value)
            }
        } else {
            if let callee = EditScan.enclosingCallee(s, before: start), let value = lookup(callee),
               case .function(let f) = value {
                candidates += f.parameters.filter { $0.defaultValue != nil }.map { $0.name + ": " }
            }
            var names = globalNames + TokenKind.keywordNames
            if let (tokens, _) = try? Lexer.tokenize(SourceText(code)) {
                names += tokens.filter { $0.kind == .identifier && $0.end != end }.map(\.text)
            }
            var seen = Set<String>()
            candidates += names.sorted().filter { seen.insert($0).inserted }
        }
        let matches = candidates.filter { $0.hasPrefix(prefix) && $0 != prefix }
        return Completion(matches: matches, cursorStart: start, cursorEnd: end)
    }

    /// Help for the name under or just before `cursor` (or the function whose call the cursor
    /// is in): a function's signature, summary and example; a value's type and text.
    public func inspect(_ code: String, cursor: Int, detail: Int = 0) -> MimeBundle? {
        let s = Array(code.unicodeScalars)
        let at = min(max(cursor, 0), s.count)
        var start = at
        var end = at
        while start > 0, s[start - 1].isIdentifierPart { start -= 1 }
        while end < s.count, s[end].isIdentifierPart { end += 1 }
        var chain: [String]?
        if start < end {
            chain = EditScan.chain(s, endingAt: end)
        } else {
            chain = EditScan.enclosingCallee(s, before: at)
        }
        guard let chain, let name = chain.last else { return nil }
        if chain.count == 1, TokenKind.keywords[name] != nil {
            return MimeBundle(plain: GeneralBuiltins.keywordHelp(name))
        }
        guard let value = lookup(chain) else { return nil }
        let text: String
        switch value {
        case .function(let f): text = f.helpText
        case .object(let o):
            let fields = o.fieldNames.isEmpty ? "" : "\nfields: " + o.fieldNames.joined(separator: ", ")
            text = "\(chain.joined(separator: ".")): \(o.typeName)\n\(o.plainText)\(fields)"
        default:
            var shown = value.plainText
            if detail == 0, shown.count > 2000 { shown = String(shown.prefix(2000)) + "…" }
            text = "\(chain.joined(separator: ".")): \(value.typeName) = \(shown)"
        }
        return MimeBundle(plain: text)
    }

    /// The value of `a.b.c` from top-level names and fields, without running any code.
    func lookup(_ chain: [String]) -> Value? {
        guard let first = chain.first, var value = runtime.global(first) else { return nil }
        for name in chain.dropFirst() {
            switch value {
            case .record(let r):
                guard let v = r[name] else { return nil }
                value = v
            case .object(let o):
                guard let v = try? o.field(name) else { return nil }
                value = v
            default:
                return nil
            }
        }
        return value
    }

    func fieldNames(of value: Value) -> [String] {
        switch value {
        case .record(let r): return r.keys
        case .object(let o): return o.fieldNames
        case .range: return ["lower", "upper"]
        default: return []
        }
    }
}

/// Light scans of source text around a cursor, for completion and inspection (no parsing, so
/// they work on code that is still being written).
enum EditScan {
    /// Whether position `p` is inside a string literal on its line.
    static func insideString(_ s: [Unicode.Scalar], upTo p: Int) -> Bool {
        var inside = false
        var k = p - 1
        while k >= 0, s[k] != "\n" { k -= 1 }
        k += 1
        while k < p {
            if s[k] == "\\" && inside {
                k += 2
                continue
            }
            if s[k] == "\"" { inside.toggle() }
            if s[k] == "#" && !inside { return true }
            k += 1
        }
        return inside
    }

    /// The dotted name chain `a.b.c` that ends at `end` (exclusive); nil when there is none.
    static func chain(_ s: [Unicode.Scalar], endingAt end: Int) -> [String]? {
        var names: [String] = []
        var k = end
        while true {
            var start = k
            while start > 0, s[start - 1].isIdentifierPart { start -= 1 }
            guard start < k, s[start].isIdentifierStart else { return nil }
            names.append(String(String.UnicodeScalarView(s[start..<k])))
            if start > 0, s[start - 1] == ".", !(start > 1 && s[start - 2] == ".") {
                k = start - 1
            } else {
                break
            }
        }
        return names.reversed()
    }

    /// The name chain before the innermost unclosed `(` ahead of `p`: the function being called.
    static func enclosingCallee(_ s: [Unicode.Scalar], before p: Int) -> [String]? {
        var depth = 0
        var k = min(p, s.count) - 1
        while k >= 0 {
            switch s[k] {
            case ")", "]", "}": depth += 1
            case "[", "{":
                if depth == 0 { return nil }
                depth -= 1
            case "(":
                if depth == 0 { return chain(s, endingAt: k) }
                depth -= 1
            default: break
            }
            k -= 1
        }
        return nil
    }
}

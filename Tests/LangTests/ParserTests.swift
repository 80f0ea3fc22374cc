import Testing
@testable import Lang

/// A compact s-expression form of the syntax tree, to check structure and precedence.
extension Expr {
    var sexp: String {
        switch self {
        case .number(let x, _): return NumberFormat.format(x)
        case .string(let s, _): return Value.quoted(s)
        case .bool(let b, _): return b ? "true" : "false"
        case .null: return "nil"
        case .name(let n, _): return n
        case .list(let xs, _): return "[" + xs.map(\.sexp).joined(separator: " ") + "]"
        case .record(let fields, _): return "{" + fields.map { "\($0.key):\($0.value.sexp)" }.joined(separator: " ") + "}"
        case .negate(let x, _): return "(neg \(x.sexp))"
        case .not(let x, _): return "(not \(x.sexp))"
        case .binary(let op, let l, let r, _): return "(\(op.rawValue) \(l.sexp) \(r.sexp))"
        case .range(let l, let r, let closed, _): return "(\(closed ? "..." : "..<") \(l.sexp) \(r.sexp))"
        case .call(let f, let args, _):
            return "(call \(f.sexp)" + args.map { " " + ($0.label.map { "\($0):" } ?? "") + $0.value.sexp }.joined() + ")"
        case .index(let b, let i, _): return "(index \(b.sexp) \(i.sexp))"
        case .field(let b, let n, _): return "(field \(b.sexp) \(n))"
        case .conditional(let branches, let otherwise, _):
            return "(if" + branches.map { " \($0.condition.sexp) \(Stmt.block($0.body))" }.joined()
                + (otherwise.map { " else \(Stmt.block($0))" } ?? "") + ")"
        case .function(let d):
            return "(fn \(d.name ?? "_") (\(d.parameters.map { $0.name + ($0.defaultValue.map { ":" + $0.sexp } ?? "") }.joined(separator: " "))) \(Stmt.block(d.body)))"
        }
    }
}

extension Stmt {
    static func block(_ body: [Stmt]) -> String { "{" + body.map(\.sexp).joined(separator: "; ") + "}" }

    var sexp: String {
        switch self {
        case .expression(let e): return e.sexp
        case .assign(let n, let e, _): return "(= \(n) \(e.sexp))"
        case .compoundAssign(let n, let op, let e, _): return "(\(op.rawValue)= \(n) \(e.sexp))"
        case .function(let d): return Expr.function(d).sexp
        case .forLoop(let v, let s, let body, _): return "(for \(v) \(s.sexp) \(Stmt.block(body)))"
        case .whileLoop(let c, let body, _): return "(while \(c.sexp) \(Stmt.block(body)))"
        case .breakLoop: return "break"
        case .continueLoop: return "continue"
        case .returnValue(let e, _): return "(return\(e.map { " " + $0.sexp } ?? ""))"
        }
    }
}

@Suite struct ParserTests {
    func parse(_ code: String) throws -> String {
        try Parser.parse(SourceText(code)).map(\.sexp).joined(separator: " | ")
    }

    @Test(arguments: [
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("2 ^ 3 ^ 2", "(^ 2 (^ 3 2))"),
        ("-x ^ 2", "(neg (^ x 2))"),
        ("2 ^ -x", "(^ 2 (neg x))"),
        ("a or b and c", "(or a (and b c))"),
        ("not a == b", "(not (== a b))"),
        ("not a and b", "(and (not a) b)"),
        ("a < b + 1", "(< a (+ b 1))"),
        ("1...n + 1", "(... 1 (+ n 1))"),
        ("a == 1...3", "(== a (... 1 3))"),
        ("x % 2 * 3", "(* (% x 2) 3)"),
        ("f(a)(b)[0].c", "(field (index (call (call f a) b) 0) c)"),
        ("-f(x).y", "(neg (field (call f x) y))"),
        ("m.train(x, lr: 1)", "(call (field m train) x lr:1)"),
    ])
    func precedence(code: String, tree: String) throws {
        #expect(try parse(code) == tree)
    }

    @Test func statements() throws {
        #expect(try parse("x = 1; y += 2") == "(= x 1) | (+= y 2)")
        #expect(try parse("for i in 0..<3 { t = t + i }") == "(for i (..< 0 3) {(= t (+ t i))})")
        #expect(try parse("while n > 0 { n -= 1\nif n == 2 { break } }")
            == "(while (> n 0) {(-= n 1); (if (== n 2) {break})})")
        #expect(try parse("fn f(a, b: 2) { return a + b }") == "(fn f (a b:2) {(return (+ a b))})")
        #expect(try parse("if a { 1 } else if b { 2 } else { 3 }") == "(if a {1} b {2} else {3})")
        #expect(try parse("g = fn(x) { x }") == "(= g (fn _ (x) {x}))")
    }

    @Test func newlinesInsideBracketsAndAfterOperators() throws {
        #expect(try parse("f(1,\n  2)") == "(call f 1 2)")
        #expect(try parse("[\n1,\n2,\n]") == "[1 2]")
        #expect(try parse("{\n a: 1,\n b: 2\n}") == "{a:1 b:2}")
        #expect(try parse("x = 1 +\n 2") == "(= x (+ 1 2))")
        #expect(try parse("x = a and\n b") == "(= x (and a b))")
        #expect(throws: SyntaxError.self) { try parse("x = 1\n+ 2") }  // a leading '+' continues nothing
        #expect(try parse("x = 1\n-2") == "(= x 1) | -2")
    }

    @Test func elseOnTheNextLine() throws {
        #expect(try parse("if a { 1 }\nelse { 2 }") == "(if a {1} else {2})")
        #expect(try parse("if a { 1 }\nb") == "(if a {1}) | b")
    }

    @Test func recordShorthandAndKeys() throws {
        #expect(try parse("{train, test}") == "{train:train test:test}")
        #expect(try parse("{\"two words\": 1, if: 2}") == "{two words:1 if:2}")
    }

    @Test func docCommentsAttachToFunctions() throws {
        let statements = try Parser.parse(SourceText("# Adds.\n# Twice.\nfn f(a) { a }"))
        guard case .function(let decl) = statements.first else {
            Issue.record("not a function")
            return
        }
        #expect(decl.doc == "Adds.\nTwice.")
    }

    @Test func errorsAtEndOfInputAreMarked() {
        for code in ["f(1,", "x = (", "if a {", "1 +", "fn f(a"] {
            do {
                _ = try Parser.parse(SourceText(code))
                Issue.record("\(code) parsed")
            } catch {
                #expect(error.atEndOfInput, "\(code): \(error)")
            }
        }
        for code in [")", "a b", "x = ]", "1 + + ;"] {
            do {
                _ = try Parser.parse(SourceText(code))
                Issue.record("\(code) parsed")
            } catch {
                #expect(!error.atEndOfInput, "\(code): \(error)")
            }
        }
    }

    @Test func syntaxErrorTraceback() {
        let outcome = Session().execute("x = 1\nprint(x,, 2)", host: RecordingHost())
        #expect(outcome.error == ExecutionError(
            name: "SyntaxError", message: "expected an expression, got ','",
            traceback: ["SyntaxError: expected an expression, got ','", "at line 2, column 9:", "    print(x,, 2)", "            ^"]))
    }
}

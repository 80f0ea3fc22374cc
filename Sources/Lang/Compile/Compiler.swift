// The compiler: resolves every name to a slot and turns the syntax tree into closures.
//
// Scopes (LANGUAGE.md): the top level, whose names are the session's globals, and function
// bodies. A name assigned anywhere in a function body (or a parameter, or a loop variable) is a
// slot of that function's frame; every other name is looked up where the function was defined.
// Reading a local that is not bound yet falls back outward, so `total = total + 1` in a function
// reads the outer `total` and binds a local one.

/// One function body being compiled: its slots and the scope it was defined in.
final class Scope {
    let parent: Scope?
    var slots: [String: Int] = [:]
    let parameterCount: Int

    init(parent: Scope?, parameters: [String], assigned: Set<String>) {
        self.parent = parent
        parameterCount = parameters.count
        for (k, p) in parameters.enumerated() { slots[p] = k }
        for name in assigned.sorted() where slots[name] == nil { slots[name] = slots.count }
    }

    var size: Int { slots.count }

    func isParameter(_ slot: Int) -> Bool { slot < parameterCount }
}

/// Where a name's value may be found at run time, innermost first.
enum NameRef {
    /// A parameter of the current function: always bound.
    case parameter(Int)
    /// A top-level name.
    case global(GlobalCell)
    /// Frames to try (hops up the parent chain, slot), then the top-level name (if any).
    case chain([(hops: Int, slot: Int)], global: GlobalCell?)
}

struct Compiler {
    let runtime: Runtime
    let source: SourceText
    var scope: Scope?

    init(runtime: Runtime, source: SourceText) {
        self.runtime = runtime
        self.source = source
    }

    /// Compiles top-level statements; each statement separately, so a front end can keep
    /// what ran before an error.
    mutating func compileProgram(_ statements: [Stmt]) -> [Code] {
        statements.map { compile($0) }
    }

    // MARK: - Errors

    /// The error as an unwind, located at `location` unless it already knows where it happened.
    func fail(_ error: RuntimeError, _ location: SourceLocation) -> Unwind {
        .error(locate(error, location))
    }

    func locate(_ error: RuntimeError, _ location: SourceLocation) -> RuntimeError {
        var e = error
        if e.location == nil { e.location = location }
        if e.sourceLine == nil, let l = e.location { e.sourceLine = source.line(l.line) }
        return e
    }

    // MARK: - Names

    func resolve(_ name: String) -> NameRef {
        var candidates: [(hops: Int, slot: Int)] = []
        var hops = 0
        var s = scope
        while let current = s {
            if let slot = current.slots[name] {
                if current.isParameter(slot) {
                    if candidates.isEmpty && hops == 0 { return .parameter(slot) }
                    candidates.append((hops, slot))
                    return .chain(candidates, global: nil)
                }
                candidates.append((hops, slot))
            }
            hops += 1
            s = current.parent
        }
        let global = runtime.cell(name)
        return candidates.isEmpty ? .global(global) : .chain(candidates, global: global)
    }

    func compileRead(_ name: String, _ location: SourceLocation) -> Code {
        let missing = locate(RuntimeError(.nameError, "name '\(name)' is not defined"), location)
        switch resolve(name) {
        case .parameter(let slot):
            return { f throws(Unwind) in f.slots[slot] ?? .null }
        case .global(let cell):
            return { _ throws(Unwind) in
                if let v = cell.pointer.pointee { return v }
                throw .error(missing)
            }
        case .chain(let candidates, let global) where candidates.count == 1 && candidates[0].hops == 0:
            // A local of the current function (the common case): its slot, else the outer name.
            let slot = candidates[0].slot
            return { f throws(Unwind) in
                if let v = f.slots[slot] { return v }
                if let v = global?.pointer.pointee { return v }
                throw .error(missing)
            }
        case .chain(let candidates, let global):
            return { f throws(Unwind) in
                for (hops, slot) in candidates {
                    var frame = f
                    for _ in 0..<hops { frame = frame.parent ?? frame }
                    if let v = frame.slots[slot] { return v }
                }
                if let v = global?.pointer.pointee { return v }
                throw .error(missing)
            }
        }
    }

    /// A closure that binds `name` in the current scope to the value it is given.
    func compileStore(_ name: String) -> (Frame, Value) -> Void {
        if let scope, let slot = scope.slots[name] {
            return { f, v in f.slots[slot] = v }
        }
        let cell = runtime.cell(name)
        return { _, v in cell.pointer.pointee = v }
    }

    /// The names a function body binds (assignments, loop variables, nested `fn` names), not
    /// looking inside nested functions.
    static func assignedNames(_ body: [Stmt]) -> Set<String> {
        var names = Set<String>()
        func visit(_ statements: [Stmt]) {
            for s in statements { visitStmt(s) }
        }
        func visitStmt(_ s: Stmt) {
            switch s {
            case .assign(let n, let e, _), .compoundAssign(let n, _, let e, _):
                names.insert(n)
                visitExpr(e)
            case .function(let decl):
                if let n = decl.name { names.insert(n) }
            case .forLoop(let v, let seq, let body, _):
                names.insert(v)
                visitExpr(seq)
                visit(body)
            case .whileLoop(let c, let body, _):
                visitExpr(c)
                visit(body)
            case .expression(let e):
                visitExpr(e)
            case .returnValue(let e, _):
                if let e { visitExpr(e) }
            case .breakLoop, .continueLoop:
                break
            }
        }
        // `if` is an expression whose blocks may bind names too.
        func visitExpr(_ e: Expr) {
            switch e {
            case .conditional(let branches, let otherwise, _):
                for b in branches {
                    visitExpr(b.condition)
                    visit(b.body)
                }
                if let otherwise { visit(otherwise) }
            case .binary(_, let l, let r, _), .range(let l, let r, _, _), .index(let l, let r, _):
                visitExpr(l)
                visitExpr(r)
            case .negate(let x, _), .not(let x, _), .field(let x, _, _):
                visitExpr(x)
            case .call(let callee, let args, _):
                visitExpr(callee)
                for a in args { visitExpr(a.value) }
            case .list(let xs, _):
                for x in xs { visitExpr(x) }
            case .record(let fields, _):
                for f in fields { visitExpr(f.value) }
            case .number, .string, .bool, .null, .name, .function:
                break
            }
        }
        visit(body)
        return names
    }

    // MARK: - Statements

    mutating func compileBlock(_ statements: [Stmt]) -> Code {
        switch statements.count {
        case 0: return { _ throws(Unwind) in .null }
        case 1: return compile(statements[0])
        case 2:
            let (a, b) = (compile(statements[0]), compile(statements[1]))
            return { f throws(Unwind) in
                _ = try a(f)
                return try b(f)
            }
        default:
            let codes = statements.map { CodeBox(run: compile($0)) }
            let last = codes.count - 1
            return { f throws(Unwind) in
                for k in 0..<last { _ = try codes[k].run(f) }
                return try codes[last].run(f)
            }
        }
    }

    mutating func compile(_ statement: Stmt) -> Code {
        if runtime.stack.isNearlyFull() { return tooDeep(statement.location) }
        switch statement {
        case .expression(let e):
            return compile(e)
        case .assign(let name, let e, _):
            let value = compile(e)
            let store = compileStore(name)
            return { f throws(Unwind) in
                store(f, try value(f))
                return .null
            }
        case .compoundAssign(let name, let op, let e, let location):
            let combined = compileBinary(op, .name(name, location), e, location)
            let store = compileStore(name)
            return { f throws(Unwind) in
                store(f, try combined(f))
                return .null
            }
        case .function(let decl):
            let make = compileFunction(decl)
            let store = compileStore(decl.name ?? "fn")
            return { f throws(Unwind) in
                store(f, try make(f))
                return .null
            }
        case .forLoop(let variable, let sequence, let body, let location):
            return compileFor(variable, sequence, body, location)
        case .whileLoop(let condition, let body, let location):
            return compileWhile(condition, body, location)
        case .breakLoop:
            return { _ throws(Unwind) in throw .breakLoop }
        case .continueLoop:
            return { _ throws(Unwind) in throw .continueLoop }
        case .returnValue(let e, _):
            guard let e else { return { _ throws(Unwind) in throw .returnValue(.null) } }
            let value = compile(e)
            return { f throws(Unwind) in throw .returnValue(try value(f)) }
        }
    }

    /// A function definition: evaluates the defaults now and closes over the defining frame.
    mutating func compileFunction(_ decl: FunctionDecl) -> Code {
        let defaults = decl.parameters.map { p in p.defaultValue.map { compile($0) } }
        let names = decl.parameters.map(\.name)
        let inner = Scope(parent: scope, parameters: names, assigned: Compiler.assignedNames(decl.body))
        var bodyCompiler = Compiler(runtime: runtime, source: source)
        bodyCompiler.scope = inner
        let body = bodyCompiler.compileBlock(decl.body)
        let frameSize = inner.size
        let name = decl.name ?? "fn"
        let doc = decl.doc
        let location = decl.location
        return { f throws(Unwind) in
            var parameters: [Builtin.Parameter] = []
            var values: [Value?] = []
            for (k, d) in defaults.enumerated() {
                let v = try d.map { code throws(Unwind) in try code(f) }
                values.append(v)
                parameters.append(Builtin.Parameter(names[k], default: v))
            }
            let code = UserFunction(body: body, frameSize: frameSize, captured: f, defaults: values, location: location)
            return .function(FunctionValue(user: code, name: name, parameters: parameters, doc: doc))
        }
    }
}

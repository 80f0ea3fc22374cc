// Expressions: literals, names, operators, calls, indexing and fields, compiled to closures.

extension Compiler {
    mutating func compile(_ expr: Expr) -> Code {
        if runtime.stack.isNearlyFull() { return tooDeep(expr.location) }
        switch expr {
        case .number(let x, _):
            let v = Value.number(x)
            return { _ throws(Unwind) in v }
        case .string(let s, _):
            let v = Value.string(s)
            return { _ throws(Unwind) in v }
        case .bool(let b, _):
            let v = Value.bool(b)
            return { _ throws(Unwind) in v }
        case .null:
            return { _ throws(Unwind) in .null }
        case .name(let name, let location):
            return compileRead(name, location)
        case .list(let elements, let location):
            let compiler = self
            let codes = elements.map { CodeBox(run: compile($0)) }
            return { f throws(Unwind) in
                var xs: [Value] = []
                xs.reserveCapacity(codes.count)
                var nested = false
                for c in codes {
                    let v = try c.run(f)
                    switch v {
                    case .list, .record: nested = true
                    default: break
                    }
                    xs.append(v)
                }
                if nested && Value.tooDeep(xs) { throw compiler.fail(Value.nestingError(), location) }
                return .list(xs)
            }
        case .record(let fields, let location):
            let compiler = self
            let keys = fields.map(\.key)
            let codes = fields.map { CodeBox(run: compile($0.value)) }
            return { f throws(Unwind) in
                var values: [Value] = []
                values.reserveCapacity(codes.count)
                var nested = false
                for c in codes {
                    let v = try c.run(f)
                    switch v {
                    case .list, .record: nested = true
                    default: break
                    }
                    values.append(v)
                }
                if nested && Value.tooDeep(values) { throw compiler.fail(Value.nestingError(), location) }
                return .record(Record(uniqueKeys: keys, values: values))
            }
        case .negate(let operand, let location):
            let code = compile(operand)
            let compiler = self
            return { f throws(Unwind) in
                let v = try code(f)
                if case .number(let x) = v { return .number(-x) }
                throw compiler.fail(RuntimeError(.typeError, "cannot negate a \(v.typeName): unary '-' needs a number"), location)
            }
        case .not(let operand, let location):
            let code = compile(operand)
            let compiler = self
            return { f throws(Unwind) in
                let v = try code(f)
                if case .bool(let b) = v { return .bool(!b) }
                throw compiler.fail(RuntimeError(.typeError, "'not' needs true or false, got \(v.typeName)"), location)
            }
        case .binary(let op, let l, let r, let location):
            return compileBinary(op, l, r, location)
        case .range(let l, let r, let closed, let location):
            let (lc, rc) = (compile(l), compile(r))
            let compiler = self
            return { f throws(Unwind) in
                let (a, b) = (try lc(f), try rc(f))
                guard case .number(let lo) = a, case .number(let hi) = b else {
                    throw compiler.fail(RuntimeError(
                        .typeError, "the bounds of a range must be numbers, got \(a.typeName) and \(b.typeName)"), location)
                }
                return .range(RangeValue(lower: lo, upper: hi, isClosed: closed))
            }
        case .call(let callee, let arguments, let location):
            return compileCall(callee, arguments, location)
        case .index(let base, let index, let location):
            let (bc, ic) = (compile(base), compile(index))
            let compiler = self
            return { f throws(Unwind) in
                let (b, i) = (try bc(f), try ic(f))
                do { return try Operators.index(b, i) } catch { throw compiler.fail(error.runtimeError, location) }
            }
        case .field(let base, let name, let location):
            let bc = compile(base)
            let compiler = self
            return { f throws(Unwind) in
                let b = try bc(f)
                if case .record(let r) = b, let v = r[name] { return v }
                do { return try Operators.field(b, name) } catch { throw compiler.fail(error.runtimeError, location) }
            }
        case .conditional(let branches, let otherwise, _):
            return compileConditional(branches, otherwise)
        case .function(let decl):
            return compileFunction(decl)
        }
    }

    /// Code for an expression nested deeper than the stack allows: it fails when it runs.
    func tooDeep(_ location: SourceLocation) -> Code {
        let error = locate(RuntimeError(.valueError, "the code is nested too deeply for this thread's stack"), location)
        return { _ throws(Unwind) in throw .error(error) }
    }

    mutating func compileBinary(_ op: BinaryOperator, _ l: Expr, _ r: Expr, _ location: SourceLocation) -> Code {
        let (lc, rc) = (compile(l), compile(r))
        let compiler = self
        func slow(_ a: Value, _ b: Value) throws(Unwind) -> Value {
            do { return try Operators.binary(op, a, b) } catch { throw compiler.fail(error.runtimeError, location) }
        }
        switch op {
        case .and, .or:
            let isAnd = op == .and
            let name = op.rawValue
            return { f throws(Unwind) in
                let a = try lc(f)
                guard case .bool(let x) = a else {
                    throw compiler.fail(RuntimeError(.typeError, "'\(name)' needs true or false on its left, got \(a.typeName)"), location)
                }
                if isAnd != x { return .bool(x) }
                let b = try rc(f)
                guard case .bool(let y) = b else {
                    throw compiler.fail(RuntimeError(.typeError, "'\(name)' needs true or false on its right, got \(b.typeName)"), location)
                }
                return .bool(y)
            }
        case .add:
            return { f throws(Unwind) in
                let (a, b) = (try lc(f), try rc(f))
                if case .number(let x) = a, case .number(let y) = b { return .number(x + y) }
                return try slow(a, b)
            }
        case .subtract:
            return { f throws(Unwind) in
                let (a, b) = (try lc(f), try rc(f))
                if case .number(let x) = a, case .number(let y) = b { return .number(x - y) }
                return try slow(a, b)
            }
        case .multiply:
            return { f throws(Unwind) in
                let (a, b) = (try lc(f), try rc(f))
                if case .number(let x) = a, case .number(let y) = b { return .number(x * y) }
                return try slow(a, b)
            }
        case .less:
            return { f throws(Unwind) in
                let (a, b) = (try lc(f), try rc(f))
                if case .number(let x) = a, case .number(let y) = b { return .bool(x < y) }
                return try slow(a, b)
            }
        default:
            return { f throws(Unwind) in try slow(try lc(f), try rc(f)) }
        }
    }

    mutating func compileCall(_ callee: Expr, _ arguments: [Argument], _ location: SourceLocation) -> Code {
        let calleeCode = compile(callee)
        let positional = arguments.filter { $0.label == nil }.map { CodeBox(run: compile($0.value)) }
        let labelled = arguments.compactMap { a -> (String, CodeBox, SourceLocation)? in
            guard let label = a.label else { return nil }
            return (label, CodeBox(run: compile(a.value)), a.location)
        }
        let runtime = self.runtime
        let compiler = self
        let calleeName: String
        switch callee {
        case .name(let n, _): calleeName = "'\(n)'"
        case .field(_, let n, _): calleeName = "field '\(n)'"
        default: calleeName = "the called value"
        }
        return { f throws(Unwind) in
            let target = try calleeCode(f)
            guard case .function(let fn) = target else {
                throw compiler.fail(RuntimeError(.typeError, "\(calleeName) is a \(target.typeName), not a function"), location)
            }
            var args: [Value] = []
            args.reserveCapacity(positional.count)
            for c in positional { args.append(try c.run(f)) }
            do throws(Unwind) {
                if labelled.isEmpty, case .user(let code) = fn.kind, args.count == fn.parameters.count {
                    return try runtime.invoke(code, name: fn.name, arguments: args, at: location)
                }
                var labels: [(String, Value, SourceLocation?)] = []
                for (label, code, loc) in labelled { labels.append((label, try code.run(f), loc)) }
                return try runtime.call(fn, positional: args, labelled: labels, at: location)
            } catch {
                if case .error(let e) = error { throw compiler.fail(e, location) }
                throw error
            }
        }
    }
}

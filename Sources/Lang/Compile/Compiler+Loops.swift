// Loops and conditionals. Blocks do not open scopes; loops poll the interrupt flag every turn.

extension Compiler {
    mutating func compileFor(_ variable: String, _ sequence: Expr, _ body: [Stmt], _ location: SourceLocation) -> Code {
        let sequenceCode = compile(sequence)
        let bodyCode = compileBlock(body)
        let store = compileStore(variable)
        let interruption = runtime.interruption
        let interrupted = locate(.interrupted, location)
        let compiler = self
        return { f throws(Unwind) in
            /// Runs the body once; false when the loop should stop.
            @inline(__always) func turn(_ v: Value) throws(Unwind) -> Bool {
                if interruption.isRequested { throw .error(interrupted) }
                store(f, v)
                do throws(Unwind) {
                    _ = try bodyCode(f)
                } catch {
                    switch error {
                    case .breakLoop: return false
                    case .continueLoop: return true
                    default: throw error
                    }
                }
                return true
            }
            switch try sequenceCode(f) {
            case .range(let r):
                let n = r.count
                var k = 0
                while k < n {
                    if try !turn(.number(r.lower + Double(k))) { break }
                    k += 1
                }
            case .list(let xs):
                for x in xs {
                    if try !turn(x) { break }
                }
            case .record(let r):
                for key in r.keys {
                    if try !turn(.string(key)) { break }
                }
            case .string(let s):
                for c in s {
                    if try !turn(.string(String(c))) { break }
                }
            case .object(let o):
                guard let n = o.count else {
                    throw compiler.fail(RuntimeError(.typeError, "cannot loop over a \(o.typeName)"), location)
                }
                var k = 0
                while k < n {
                    let element: Value
                    do { element = try o.element(at: k) } catch { throw compiler.fail(error.runtimeError, location) }
                    if try !turn(element) { break }
                    k += 1
                }
            case let other:
                throw compiler.fail(RuntimeError(
                    .typeError, "cannot loop over a \(other.typeName): 'for' walks a list, a range, a record's keys, a string or a dataset"), location)
            }
            return .null
        }
    }

    mutating func compileWhile(_ condition: Expr, _ body: [Stmt], _ location: SourceLocation) -> Code {
        let test = compileCondition(condition, "while")
        let bodyCode = compileBlock(body)
        let interruption = runtime.interruption
        let interrupted = locate(.interrupted, location)
        return { f throws(Unwind) in
            while try test(f) {
                if interruption.isRequested { throw .error(interrupted) }
                do throws(Unwind) {
                    _ = try bodyCode(f)
                } catch {
                    switch error {
                    case .breakLoop: return .null
                    case .continueLoop: continue
                    default: throw error
                    }
                }
            }
            return .null
        }
    }

    /// A condition: must be `true` or `false` (`nil` counts as false).
    mutating func compileCondition(_ condition: Expr, _ construct: String) -> (Frame) throws(Unwind) -> Bool {
        let code = compile(condition)
        let location = condition.location
        let compiler = self
        return { f throws(Unwind) in
            switch try code(f) {
            case .bool(let b): return b
            case .null: return false
            case let other:
                throw compiler.fail(RuntimeError(
                    .typeError, "the condition of '\(construct)' must be true or false, got \(other.typeName)"), location)
            }
        }
    }

    /// `if … else if … else …`: the value of the branch taken, nil when none runs.
    mutating func compileConditional(_ branches: [ConditionalBranch], _ otherwise: [Stmt]?) -> Code {
        let elseCode: Code
        if let otherwise {
            elseCode = compileBlock(otherwise)
        } else {
            elseCode = { _ throws(Unwind) in .null }
        }
        if branches.count == 1 {
            let test = compileCondition(branches[0].condition, "if")
            let then = compileBlock(branches[0].body)
            return { f throws(Unwind) in
                if try test(f) { return try then(f) }
                return try elseCode(f)
            }
        }
        var compiled: [Branch] = []
        for b in branches {
            compiled.append(Branch(test: compileCondition(b.condition, "if"), then: compileBlock(b.body)))
        }
        return { f throws(Unwind) in
            for branch in compiled {
                if try branch.test(f) { return try branch.then(f) }
            }
            return try elseCode(f)
        }
    }
}

/// A compiled `if` arm, kept in a struct so its closures need no thunks.
struct Branch {
    let test: (Frame) throws(Unwind) -> Bool
    let then: Code
}

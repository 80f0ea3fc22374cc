// Reverse-mode autograd, micrograd style: every op output stores its inputs and a closure that
// ACCUMULATES the output's gradient into the inputs' gradients. backward() orders the graph
// topologically, seeds the root's gradient, runs the closures from the root down, and then cuts
// the links (parents and closures) so the forward activations can be freed.

extension Tensor {
    /// Connects an op output to its inputs. Call only when ``Autograd/needsGrad(_:)-variadic``
    /// said so; `backward` receives the output and adds `out.grad`-based terms into the inputs
    /// that require grad.
    /// `file` and `line` (the caller's, by default) name the op in
    /// ``backwardLocatingNonFinite(gradient:)``'s report.
    @inlinable
    public func recordOp(inputs: [Tensor], file: StaticString = #fileID, line: UInt = #line,
                         backward: @escaping (Tensor) -> Void) {
        requiresGrad = true
        parents = inputs
        backwardFn = backward
        originFile = file
        originLine = line
        if Profiler.isEnabled { profileKind = Profiler.currentKind }
    }

    /// Backpropagates from this tensor.
    ///
    /// With no `gradient` the tensor must hold one element and is seeded with 1 (the usual
    /// `loss.backward()`); otherwise `gradient` (same element count) is the seed, which gives a
    /// vector–Jacobian product. Gradients ADD into the `grad` of every tensor that requires
    /// grad; call `zeroGrad()` on parameters between steps. Afterwards the graph is released:
    /// the op outputs forget their inputs and closures, and their own gradient buffers are
    /// dropped unless `retainIntermediateGradients` is true (leaves keep theirs).
    public func backward(gradient seed: Tensor? = nil, retainIntermediateGradients: Bool = false) {
        Profiler.backwardPhase {
            let order = Profiler.measure(.autograd) { seeded(seed) }
            for node in order.reversed() where node.gradStorage != nil {
                guard let run = node.backwardFn else { continue }
                // Charged to the kind that was on top when the op was recorded.
                Profiler.measure(node.profileKind) { run(node) }
            }
            Profiler.measure(.autograd) { release(order, retainIntermediateGradients: retainIntermediateGradients) }
        }
    }

    /// The same backward pass, watched: after each op's backward closure it checks whether
    /// the op turned a finite gradient into a non-finite one in any of its inputs, and reports
    /// the first op that did (nil when every gradient stays finite). Slower — every input's
    /// gradient is scanned around every op — so it is for diagnosing a failed step, not for
    /// training (the trainers call it on a step whose gradient norm was not finite).
    public func backwardLocatingNonFinite(gradient seed: Tensor? = nil) -> NonFiniteGradient? {
        let order = seeded(seed)
        var found: NonFiniteGradient? = nil
        for node in order.reversed() where node.gradStorage != nil {
            guard let run = node.backwardFn else { continue }
            guard found == nil, node.gradientIsFinite else { run(node); continue }
            let before = node.parents.map(\.gradientIsFinite)
            run(node)
            let turned = node.parents.indices.filter { before[$0] && !node.parents[$0].gradientIsFinite }
            guard !turned.isEmpty else { continue }
            found = NonFiniteGradient(
                op: "\(node.originFile):\(node.originLine)", outputShape: node.shape,
                largestOutputGradient: node.gradStorage.map { Tensor.largestMagnitude($0.pointer, node.count) } ?? 0,
                inputShapes: node.parents.map(\.shape), nonFiniteInputs: turned,
                inputsWithNonFiniteValues: node.parents.indices.filter { !Tensor.allFinite(node.parents[$0].data, node.parents[$0].count) })
        }
        release(order, retainIntermediateGradients: false)
        return found
    }

    /// The graph below this tensor in topological order, with this tensor's gradient seeded
    /// (`seed`, or 1 for a one-element tensor): the start of both backward passes.
    private func seeded(_ seed: Tensor?) -> [Tensor] {
        precondition(requiresGrad, "backward() on a tensor that does not require grad")
        let order = topologicalOrder()
        let g = gradBuffer()
        if let seed {
            precondition(seed.count == count, "backward seed has \(seed.count) values, tensor has \(count)")
            for i in 0..<count { g[i] += seed.data[i] }
        } else {
            precondition(count == 1, "backward() without a seed needs a one-element tensor, shape is \(shape)")
            g[0] += 1
        }
        return order
    }

    private func release(_ order: [Tensor], retainIntermediateGradients: Bool) {
        for node in order where node.backwardFn != nil {
            node.backwardFn = nil
            node.parents = []
            if !retainIntermediateGradients { node.gradStorage = nil }
        }
    }

    /// Releases the graph below this tensor without computing gradients (e.g. a forward pass
    /// whose loss is not needed after all). Cycles cannot form, so this is only an early free.
    public func detachGraph() {
        for node in topologicalOrder() {
            node.backwardFn = nil
            node.parents = []
        }
    }

    /// Nodes reachable through `parents` that require grad, inputs before outputs.
    /// Iterative depth-first search, so long latent recurrences cannot overflow the stack.
    func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(node: Tensor, next: Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while !stack.isEmpty {
            let (node, next) = stack[stack.count - 1]
            if next < node.parents.count {
                stack[stack.count - 1].next = next + 1
                let p = node.parents[next]
                if p.requiresGrad, visited.insert(ObjectIdentifier(p)).inserted {
                    stack.append((p, 0))
                }
            } else {
                order.append(node)
                stack.removeLast()
            }
        }
        return order
    }
}

/// The op where a watched backward pass (``Tensor/backwardLocatingNonFinite(gradient:)``) first
/// produced a non-finite gradient from a finite one.
public struct NonFiniteGradient: Sendable, Equatable, CustomStringConvertible {
    /// Source file and line where the op recorded itself (`Module/File.swift:line`).
    public let op: String
    public let outputShape: [Int]
    /// The largest |value| of the op's output gradient (finite).
    public let largestOutputGradient: Float
    public let inputShapes: [[Int]]
    /// Inputs (by position) whose gradient this op made non-finite.
    public let nonFiniteInputs: [Int]
    /// Inputs (by position) whose forward values are themselves not finite.
    public let inputsWithNonFiniteValues: [Int]

    public var description: String {
        let inputs = nonFiniteInputs.map { "input \($0) \(inputShapes[$0])" }.joined(separator: ", ")
        var text = "the backward of the op recorded at \(op) (output \(outputShape), its gradient finite, "
            + "largest |value| \(largestOutputGradient)) made the gradient of \(inputs) not finite"
        if !inputsWithNonFiniteValues.isEmpty {
            text += "; forward values not finite in input(s) \(inputsWithNonFiniteValues.map(String.init).joined(separator: ", "))"
        }
        return text
    }
}

extension Tensor {
    /// Whether the gradient (if any) holds only finite values.
    public var gradientIsFinite: Bool {
        guard let g = gradStorage else { return true }
        return Tensor.allFinite(g.pointer, count)
    }

    static func allFinite(_ p: UnsafePointer<Float>, _ n: Int) -> Bool {
        // x − x is 0 for finite x and NaN for ±inf and NaN: one vectorisable pass.
        var acc: Float = 0
        for i in 0..<n { acc += p[i] - p[i] }
        return acc == 0
    }

    static func largestMagnitude(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var m: Float = 0
        for i in 0..<n { m = max(m, abs(p[i])) }
        return m
    }
}

// Reverse-mode autograd, micrograd style: every op output stores its inputs and a closure that
// ACCUMULATES the output's gradient into the inputs' gradients. backward() orders the graph
// topologically, seeds the root's gradient, runs the closures from the root down, and then cuts
// the links (parents and closures) so the forward activations can be freed.

extension Tensor {
    /// Connects an op output to its inputs. Call only when ``Autograd/needsGrad(_:)-variadic``
    /// said so; `backward` receives the output and adds `out.grad`-based terms into the inputs
    /// that require grad.
    @inlinable
    public func recordOp(inputs: [Tensor], backward: @escaping (Tensor) -> Void) {
        requiresGrad = true
        parents = inputs
        backwardFn = backward
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
        for node in order.reversed() where node.gradStorage != nil {
            node.backwardFn?(node)
        }
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

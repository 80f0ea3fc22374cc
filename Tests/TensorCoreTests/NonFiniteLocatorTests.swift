// backwardLocatingNonFinite: the watched backward pass that names the op whose backward first
// turned a finite gradient into a non-finite one (the trainers call it on a failed step).

import Testing
@testable import TensorCore

/// An identity op whose backward is broken on purpose: it writes NaN into its input's
/// gradient at `badIndex` (a stand-in for an op with a division by zero in its derivative).
/// It records itself at the caller's line.
func brokenIdentity(_ x: Tensor, badIndex: Int, line: UInt = #line) -> Tensor {
    let y = Tensor(x.scalars, shape: x.shape)
    y.recordOp(inputs: [x], line: line) { y in
        let (dy, dx) = (y.gradBuffer(), x.gradBuffer())
        for i in 0..<x.count { dx[i] += i == badIndex ? .nan : dy[i] }
    }
    return y
}

@Suite("Autograd: locating a non-finite gradient")
struct NonFiniteLocatorTests {
    @Test func namesTheOpWhoseBackwardBrokeTheGradient() throws {
        let x = randn([2, 3], seed: 1)
        x.requiresGrad = true
        let w = randn([4, 3], seed: 2)
        w.requiresGrad = true
        let line = #line + 1
        let h = brokenIdentity(x, badIndex: 4)
        let loss = linear(h, weight: w).square().mean()
        let found = try #require(loss.backwardLocatingNonFinite())
        // The op is the broken identity, not the product or the loss after it, whose backward
        // passes were finite.
        #expect(found.op == "TensorCoreTests/NonFiniteLocatorTests.swift:\(line)", "\(found.op)")
        #expect(found.outputShape == [2, 3] && found.nonFiniteInputs == [0] && found.inputsWithNonFiniteValues.isEmpty)
        #expect(found.largestOutputGradient > 0 && found.largestOutputGradient.isFinite)
        #expect(!x.gradientIsFinite && w.gradientIsFinite)
        #expect(found.description.contains("made the gradient of input 0 [2, 3] not finite"))
        // The graph is released as by backward().
        #expect(!loss.hasGraph)
    }

    @Test func aCleanGraphReportsNothingAndMatchesBackward() {
        let x = randn([3, 5], seed: 3), w = randn([2, 5], seed: 4)
        x.requiresGrad = true
        w.requiresGrad = true
        #expect(linear(x, weight: w).square().mean().backwardLocatingNonFinite() == nil)
        let watched = (x.grad!.scalars, w.grad!.scalars)
        x.zeroGrad()
        w.zeroGrad()
        linear(x, weight: w).square().mean().backward()
        #expect(x.grad!.scalars == watched.0 && w.grad!.scalars == watched.1)
    }

    @Test func aGradientAlreadyBrokenUpstreamIsNotBlamedOnLaterOps() throws {
        // The NaN enters at the first op the backward reaches (the broken identity applied
        // last); the ops below it only carry it on and must not be reported.
        let x = randn([4], seed: 5)
        x.requiresGrad = true
        let inner = brokenIdentity(x.square(), badIndex: 99)   // never fires: index out of range
        let outer = brokenIdentity(inner, badIndex: 1)
        let found = try #require(outer.sum().backwardLocatingNonFinite())
        #expect(found.outputShape == [4] && found.nonFiniteInputs == [0])
        #expect(!x.gradientIsFinite)
    }

    @Test func forwardValuesThatAreNotFiniteAreNamed() throws {
        // A NaN forward value alone blames no op: mul's backward into x is dy · b, finite.
        let x = Tensor([1, .infinity, 2], shape: [3])
        x.requiresGrad = true
        #expect(mul(x, Tensor([0, 0, 1], shape: [3])).sum().backwardLocatingNonFinite() == nil)
        // A broken op whose input holds ±inf says so.
        let y = Tensor([1, .infinity, 2], shape: [3])
        y.requiresGrad = true
        let found = try #require(brokenIdentity(y, badIndex: 0).sum().backwardLocatingNonFinite())
        #expect(found.inputsWithNonFiniteValues == [0])
        #expect(found.description.contains("forward values not finite in input(s) 0"))
    }
}

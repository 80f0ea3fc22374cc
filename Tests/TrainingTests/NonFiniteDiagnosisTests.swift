import Models
import TensorCore
import Testing
@testable import Training

/// What the distillation trainer says about a step whose gradient is not finite: the parameters
/// it reached and the op that produced it, recomputed on one thread.
@Suite struct NonFiniteDiagnosisTests {
    /// A loss through the model's first parameter with an op whose backward writes NaN when
    /// `broken` (recorded at the caller's line).
    static func loss(_ model: LatentModel, broken: Bool, line: UInt = #line) -> Tensor {
        let w = model.parameters()[0]
        let y = Tensor(w.scalars, shape: w.shape)
        y.recordOp(inputs: [w], line: line) { y in
            let (dy, dw) = (y.gradBuffer(), w.gradBuffer())
            for i in 0..<w.count { dw[i] += broken && i == 0 ? .nan : dy[i] }
        }
        return y.square().mean()
    }

    @Test func namesTheParametersAndTheOp() throws {
        let (_, _, model) = try DistillationTests.setup()
        let name = model.namedParameters()[0].name
        Self.loss(model, broken: true).backward()   // the failed step's gradient
        let line = #line + 2
        let text = NonFiniteDiagnosis.describe(step: 7, model: model, shards: [true]) { m, broken in
            Self.loss(m, broken: broken)
        }
        #expect(text.hasPrefix("step 7: the gradient is not finite in \(name) (1 of \(model.parameters().count) parameters)"), "\(text)")
        #expect(text.contains("shard 0: the backward of the op recorded at TrainingTests/NonFiniteDiagnosisTests.swift:\(line)"), "\(text)")
        // The recomputation's gradients are not left behind.
        #expect(model.parameters().allSatisfy { $0.grad.map { $0.scalars.allSatisfy { $0 == 0 } } ?? true })
    }

    @Test func saysWhenTheFailureDoesNotRecur() throws {
        let (_, _, model) = try DistillationTests.setup()
        Self.loss(model, broken: true).backward()
        let text = NonFiniteDiagnosis.describe(step: 3, model: model, shards: [false, false]) { m, broken in
            Self.loss(m, broken: broken)
        }
        #expect(text.contains("recomputed on one thread, every shard's gradient is finite"), "\(text)")
    }
}

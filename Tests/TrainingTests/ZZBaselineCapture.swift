import Datasets
import Foundation
import Models
import TensorCore
import Testing
@testable import Training

@Suite(.serialized) struct ZZBaselineCapture {
    @Test func capture() throws {
        var out: [String: [Double]] = [:]
        do {
            let data = try TrainingFixtures.data(24)
            let tokenizer = Tokenizer(building: data)
            let model = try TrainingFixtures.model(for: tokenizer, dimension: 16, layers: 1, seed: 2)
            var p = SFTTrainer.Parameters()
            (p.epochs, p.maximumSteps, p.batchSize, p.optimizer.warmupSteps) = (100, 12, 4, 3)
            p.batchSize = 4
            let run = try SFTTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p)
            out["sft"] = run.losses
            out["sft_lr"] = run.metrics["lr"]
        }
        func distill(_ name: String, _ edit: (inout DistillationTrainer.Parameters) -> Void) throws {
            let (data, tokenizer, model) = try DistillationTests.setup(12, layers: 2)
            var p = DistillationTests.shortRun(steps: 12)
            p.optimizer.warmupSteps = 3
            edit(&p)
            let run = try DistillationTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p)
            out[name] = run.losses
            out[name + "_lr"] = run.metrics["lr"]
            out[name + "_step_ce"] = run.metrics["step_ce"]
        }
        try distill("codi") { _ in }
        try distill("stepwise") { p in p.stepWeight = 1; p.stepAlignment = .chunks; p.distillWeight = 2 }
        try distill("next") { p in p.stepWeight = 1; p.stepAlignment = .next }
        try distill("curriculum") { p in p.stepWeight = 1; p.stepAlignment = .chunks; p.curriculum = 0.5 }
        try distill("bystep") { p in p.latent = .byStep; p.batchSize = 3 }
        do {
            let (model, tokenizer, data) = try GRPOTrainerTests.untrained()
            var p = GRPOTrainer.Parameters()
            (p.maximumSteps, p.prompts, p.group, p.optimizer.learningRate, p.optimizer.warmupSteps, p.validateEvery) = (6, 2, 4, 1e-2, 2, 3)
            p.sampling.maximumAnswerTokens = 6
            let run = try GRPOTrainer.train(model: model, tokenizer: tokenizer, data: data, parameters: p)
            out["grpo"] = run.losses
            out["grpo_lr"] = run.metrics["lr"]
            out["grpo_val"] = run.metrics["val_accuracy"]
        }
        let path = ProcessInfo.processInfo.environment["CAPTURE_PATH"] ?? "/tmp/wt36-capture.json"
        let data = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys, .prettyPrinted])
        try data.write(to: URL(fileURLWithPath: path))
    }
}

// Running a trainer from the language: live progress, interruption, NaN reports, the run object.

import Lang
import Training

/// Drives one trainer call for a training builtin.
///
/// - Progress: one display when training starts, updates at most 5 times a second (text line and
///   HTML with a bar and a live loss curve), a final summary update.
/// - Interruption: the session's flag is polled at every trainer event; a request answers
///   `.stop`, so the trainer ends at an optimizer-step boundary with the weights of the last
///   completed step. The run (marked interrupted) is recorded on the model as `m.last_run`, and
///   then the builtin throws `Interrupted`, so the cell stops as the contract requires.
/// - Divergence: a NaN or infinite loss or gradient becomes a `NumericError` naming the step;
///   the partial run is recorded on the model too.
struct TrainingDriver {
    /// The builtin's name (`"sft"`, `"distill"`, `"rl"`), used in messages and as the progress title.
    let kind: String
    let model: ModelObject
    /// The settings as the language passed them (shown by `r.settings`).
    let settings: Record
    let context: CallContext
    /// The call's time budget in seconds, if it trains for a fixed time (for the ETA).
    var timeBudget: Double? = nil

    /// Runs `train`, handing it the event callback; returns the `run` value.
    func run(_ train: ((TrainingEvent) -> TrainingControl) throws -> TrainingRun) throws -> Value {
        var progress: ProgressDisplay?
        var planned = 0
        var losses: [Double] = []
        var finished: TrainingRun?
        let interruption = context.interruption
        let onEvent: (TrainingEvent) -> TrainingControl = { event in
            switch event {
            case .started(let totalSteps, _):
                planned = totalSteps
                progress = ProgressDisplay(context: context, title: kind, unit: "step", total: totalSteps, timeBudget: timeBudget)
            case .step(let s):
                losses.append(s.loss)
                // GRPO steps carry their own figures: reward, accuracy and length say more than the loss.
                let shown: [(String, Double)] = s.metrics.isEmpty
                    ? [("loss", s.loss), ("lr", s.learningRate), ("tok/s", s.tokensPerSecond.rounded())]
                    : [("reward", "reward"), ("acc", "accuracy"), ("len", "length"), ("kl", "kl")].compactMap { label, key in
                        s.metrics[key].map { (label, $0) }
                    }
                progress?.update(done: s.step, total: s.totalSteps, metrics: shown, curve: losses)
            case .finished(let run):
                finished = run
            }
            return interruption.isRequested ? .stop : .continue
        }

        let result: TrainingRun
        do {
            result = try train(onEvent)
        } catch {
            let converted = EngineErrors.convert(error, function: kind, argument: "data")
            if let partial = finished {
                let object = RunObject(run: partial, kind: kind, plannedSteps: planned, settings: settings)
                model.record(object)
                progress?.finish(status: failureStatus(error, partial), summary: object.mimeBundle)
            }
            if case TrainingError.nonFinite(let step, let loss) = error {
                let lr = settings["lr"].map { " (got lr: \($0.plainText))" } ?? ""
                let kept = kind == "sft" ? "the weights of step \(step - 1)" : "its last good weights"
                // A trainer with a divergence guard leaves a note at every rollback: say what the
                // guard saw instead of guessing at a cause.
                let notes = finished?.notes ?? []
                let cause = notes.isEmpty ? "the loss or a gradient is not finite"
                    : "the divergence guard gave up after \(Markup.plural(notes.count, "rollback"))"
                throw RuntimeError(.numericError,
                    "\(kind): training diverged at step \(step): \(cause) (loss \(Markup.number(loss))); "
                    + "the model keeps \(kept) — try a smaller 'lr'\(lr)"
                    + (notes.last.map { ". Last diagnosis: \($0)" } ?? ""))
            }
            throw converted
        }

        let object = RunObject(run: result, kind: kind, plannedSteps: planned, settings: settings)
        model.record(object)
        let status = result.interrupted
            ? "interrupted after step \(result.steps) of \(planned)"
            : "done, \(Markup.plural(result.steps, "step"))"
        progress?.finish(status: status, summary: object.mimeBundle)
        if result.interrupted && interruption.isRequested {
            throw RuntimeError(.interrupted,
                "\(kind): interrupted after step \(result.steps) of \(planned); the model keeps the weights of step "
                + "\(result.steps), and the run (interrupted: true) is the model's last_run")
        }
        return .object(object)
    }

    private func failureStatus(_ error: any Error, _ partial: TrainingRun) -> String {
        if case TrainingError.nonFinite(let step, _) = error { return "diverged at step \(step)" }
        return "stopped by an error after step \(partial.steps)"
    }
}

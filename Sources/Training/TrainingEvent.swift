// TrainingEvent: how a trainer reports progress without printing, and how its caller answers.

/// What a trainer tells its caller while it runs. Trainers never print: the caller renders each
/// event (a progress bar, a log line, a live plot) and answers with a ``TrainingControl``.
public enum TrainingEvent: Sendable {
    /// Training is about to begin: `totalSteps` optimizer steps are planned over `examples`
    /// training examples.
    case started(totalSteps: Int, examples: Int)
    /// One optimizer step finished and its update was applied.
    case step(TrainingStep)
    /// Training ended (normally, by a stop request, or after the last good step before an
    /// error). The result is the same value the trainer returns.
    case finished(TrainingRun)
}

/// The caller's answer to an event: keep going, or stop at the next optimizer-step boundary
/// (the model keeps the weights of the last completed step).
public enum TrainingControl: Sendable, Equatable {
    case `continue`
    case stop
}

/// The figures of one completed optimizer step.
public struct TrainingStep: Sendable, Equatable {
    /// 1-based index of the step.
    public var step: Int
    /// Planned number of steps.
    public var totalSteps: Int
    /// Epoch (0-based) the step's batch came from.
    public var epoch: Int
    /// Mean loss over the batch's target tokens.
    public var loss: Double
    /// Learning rate used for the update.
    public var learningRate: Double
    /// Global gradient norm before clipping.
    public var gradientNorm: Double
    /// Target tokens and all (non-padding) tokens in the batch.
    public var targetTokens: Int
    public var tokens: Int
    /// Seconds since training began.
    public var elapsed: Double
    /// Non-padding tokens per second over the whole run so far.
    public var tokensPerSecond: Double
    /// Trainer-specific figures of the step (GRPO: `reward`, `accuracy`, `length`, `kl`,
    /// `stop_entropy`); empty for the token-level trainers.
    public var metrics: [String: Double] = [:]

    public init(
        step: Int, totalSteps: Int, epoch: Int, loss: Double, learningRate: Double,
        gradientNorm: Double, targetTokens: Int, tokens: Int, elapsed: Double,
        tokensPerSecond: Double
    ) {
        self.step = step
        self.totalSteps = totalSteps
        self.epoch = epoch
        self.loss = loss
        self.learningRate = learningRate
        self.gradientNorm = gradientNorm
        self.targetTokens = targetTokens
        self.tokens = tokens
        self.elapsed = elapsed
        self.tokensPerSecond = tokensPerSecond
    }
}

/// The result of a training call (the language's `run`).
public struct TrainingRun: Sendable, Equatable {
    /// Loss of every completed step, in order.
    public var losses: [Double]
    /// Per-step series by name: `"loss"`, `"lr"`, `"grad_norm"`, `"tokens_per_s"`.
    public var metrics: [String: [Double]]
    /// Completed optimizer steps.
    public var steps: Int
    /// Wall-clock seconds spent training.
    public var seconds: Double
    /// True when a stop request ended training before the planned last step.
    public var interrupted: Bool
    /// What the trainer found out along the way, in order: for every step whose gradient was
    /// not finite (and was rolled back), which parameters it reached and which op produced it
    /// (``NonFiniteDiagnosis``). Empty for a clean run.
    public var notes: [String] = []

    public init(
        losses: [Double] = [], metrics: [String: [Double]] = [:], steps: Int = 0,
        seconds: Double = 0, interrupted: Bool = false
    ) {
        self.losses = losses
        self.metrics = metrics
        self.steps = steps
        self.seconds = seconds
        self.interrupted = interrupted
    }
}

/// Errors a trainer throws.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// The loss or the gradient became NaN or infinite at `step`; the update of that step was
    /// not applied, so the model holds the weights of step `step - 1`.
    case nonFinite(step: Int, loss: Double)
    /// Training parameters or data are unusable; the message says what and why.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .nonFinite(let step, let loss):
            "training diverged at step \(step): the loss or a gradient is not finite (loss \(loss)); "
                + "the model keeps the weights of step \(step - 1)"
        case .invalidArgument(let message): message
        }
    }
}

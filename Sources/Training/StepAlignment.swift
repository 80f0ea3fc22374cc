// Where step-level supervision puts each reasoning step on the latent steps
// (`distill(…, step_align:)`; DistillationBatch builds its rows with it).

/// Which reasoning step each latent step's input vector must decode under step supervision.
public enum StepAlignment: String, Sendable, Equatable, CaseIterable {
    /// Latent input k (1…n) decodes step min(k, S): the pass before it computes step k's result,
    /// and inputs past the last step repeat it.
    case next
    /// Step j (1…S) is decoded at latent input ⌈n·j / S⌉, and inputs in between are free: each
    /// step gets n / S passes to compute, and the last input holds the last step.
    case spread
    /// Latent input k decodes step min(k, S − 1) of the S − 1 steps the teacher writes when it
    /// drops its last step: the latents carry the intermediate results and the answer text
    /// computes the last one, as the teacher's answer does. A 1-step example's inputs are free.
    case written

    /// The 0-based step that 0-based latent input `latent` of `count` decodes, for an example of
    /// `steps` steps; nil when that input is free.
    public func step(latent: Int, of count: Int, steps: Int) -> Int? {
        guard steps > 0, count > 0 else { return nil }
        switch self {
        case .next:
            return min(latent, steps - 1)
        case .spread:
            // Input k (1-based) holds step j when k = ⌈count·j / steps⌉.
            let k = latent + 1
            for j in 1...steps where (count * j + steps - 1) / steps == k { return j - 1 }
            return nil
        case .written:
            return steps > 1 ? min(latent, steps - 2) : nil
        }
    }
}

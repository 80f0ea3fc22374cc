// Where step-level supervision puts each reasoning step on the latent steps
// (`distill(…, step_align:)`; DistillationBatch builds its rows with it). Other placements were
// measured and removed; the tag research-2026-12-05 holds them (docs/journal/2026-12-07.md).

/// What each latent step's input vector must decode under step supervision: a whole reasoning
/// step (`next`) or a run of the written chain's tokens (`chunks`).
public enum StepAlignment: String, Sendable, Equatable, CaseIterable {
    /// SIM-CoT's placement (Wei et al. 2025): latent input k (1…n) decodes step min(k, S), so the
    /// pass before it computes step k's result, and inputs past the last step repeat it.
    case next
    /// The tokens the teacher writes (its S − 1 steps, concatenated) cut into n runs of
    /// consecutive tokens: input k (0-based) decodes tokens ⌊k·T / n⌋ ..< ⌊(k + 1)·T / n⌋ of the
    /// T written tokens, and an input whose run is empty is free. Each pass then computes about
    /// T / n tokens — one or two digits — as the teacher's CoT computes one token per pass,
    /// instead of a whole multi-digit result at once. A 1-step example's inputs are free.
    case chunks

    /// The written tokens that 0-based latent input `latent` of `count` decodes under `chunks`,
    /// as a range of the T = `written` tokens; nil when that input is free.
    public static func chunk(latent: Int, of count: Int, written: Int) -> Range<Int>? {
        guard count > 0, latent >= 0, latent < count else { return nil }
        let range = (latent * written / count)..<((latent + 1) * written / count)
        return range.isEmpty ? nil : range
    }

    /// The steps to place on the latents of an example whose latents stand for its first `s`
    /// steps only, the rest being written as text after them (a curriculum stage): the first `s`
    /// for `next`, which puts every step it is given on a latent; the first `s + 1` for `chunks`,
    /// which places the written chain — all but the last step it is given (the last is the one
    /// the text after the latents computes first).
    public func placed(_ steps: [[Int]], standingFor s: Int) -> [[Int]] {
        switch self {
        case .next: Array(steps.prefix(max(0, s)))
        case .chunks: Array(steps.prefix(max(0, s) + 1))
        }
    }

    /// What 0-based latent input `latent` of `count` decodes for an example whose reasoning steps
    /// tokenize as `steps`; nil when that input is free.
    public func target(latent: Int, of count: Int, steps: [[Int]]) -> [Int]? {
        guard count > 0, latent >= 0, latent < count, !steps.isEmpty else { return nil }
        switch self {
        case .next:
            return steps[min(latent, steps.count - 1)]
        case .chunks:
            let written = Array(steps.dropLast().joined())
            return Self.chunk(latent: latent, of: count, written: written.count).map { Array(written[$0]) }
        }
    }
}

// Where step-level supervision puts each reasoning step on the latent steps
// (`distill(…, step_align:)`; DistillationBatch builds its rows with it).

/// What each latent step's input vector must decode under step supervision: a whole reasoning
/// step (every case but `chunks`) or a run of the written chain's tokens (`chunks`).
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
    /// The S − 1 steps the teacher writes (as `written`), each on a block of consecutive latent
    /// inputs: input k (0-based) decodes step ⌊k·(S − 1) / n⌋, so with 6 latents a 4-step
    /// example holds each of its 3 intermediate results on 2 inputs and every result gets two
    /// passes to compute, where `written` gives the first ones a single pass and repeats the
    /// last. A 1-step example's inputs are free.
    case blocks
    /// The tokens the teacher writes (its S − 1 steps, concatenated) cut into n runs of
    /// consecutive tokens: input k (0-based) decodes tokens ⌊k·T / n⌋ ..< ⌊(k + 1)·T / n⌋ of the
    /// T written tokens, and an input whose run is empty is free. Each pass then computes about
    /// T / n tokens — one or two digits — as the teacher's CoT computes one token per pass,
    /// instead of a whole multi-digit result at once. A 1-step example's inputs are free.
    case chunks
    /// Every step, the last included, each on a block of consecutive latent inputs: input k
    /// (0-based) decodes step ⌊k·S / n⌋, so with 6 latents a 2-step example holds 1, 1, 1, 2, 2, 2
    /// and a 4-step one 1, 1, 2, 3, 3, 4. The last inputs hold the answer, which the answer text
    /// can copy, where `blocks` leaves the last operation to the text (which gets it right from
    /// an exact chain only 21–32 % of the time, BENCHMARKS.md, seventeenth session); measured,
    /// the text seldom copies it (eighteenth session). A 1-step
    /// example holds its one result on every input. With fewer latents than steps the last input
    /// still holds the last step.
    case allBlocks = "all_blocks"
    /// The S − 1 steps the teacher writes (as `blocks`), each on the *last* input of its block
    /// only: step j (1…S − 1) is decoded at input ⌈n·j / (S − 1)⌉ and the inputs before it in its
    /// block are free. `blocks` makes a block's first input hold its result already, one pass
    /// after the previous result; here that input may hold whatever helps, so every result gets
    /// n / (S − 1) passes to compute — as a 1-step example's free inputs let it compute its one
    /// result over every pass. With 6 latents a 4-step example holds its results on inputs
    /// 2, 4, 6 and a 2-step one on input 6. A 1-step example's inputs are free.
    case ends
    /// The S − 1 steps the teacher writes, placed as `spread` places the first S − 1 of its S:
    /// step j (1…S − 1) at input ⌈n·j / S⌉, every other input free. The inputs after the last
    /// written result are free too, so the answer's own last operation gets passes of its own
    /// before the text (a share n / S, as every written step), where `blocks` and `ends` leave it
    /// to the text alone. With 6 latents a 4-step example holds its results on inputs 2, 3, 5
    /// and a 2-step one on input 3. A 1-step example's inputs are free.
    case spreadWritten = "spread_written"

    /// The 0-based step that 0-based latent input `latent` of `count` decodes, for an example of
    /// `steps` steps; nil when that input is free. Always nil for `chunks`, whose inputs decode
    /// runs of tokens rather than steps (see ``target(latent:of:steps:)``).
    public func step(latent: Int, of count: Int, steps: Int) -> Int? {
        guard steps > 0, count > 0 else { return nil }
        switch self {
        case .next:
            return min(latent, steps - 1)
        case .spread:
            return Self.firstLanding(latent: latent, of: count, placing: steps, over: steps)
        case .written:
            return steps > 1 ? min(latent, steps - 2) : nil
        case .blocks:
            return steps > 1 && latent < count ? latent * (steps - 1) / count : nil
        case .allBlocks:
            return latent < count ? (latent == count - 1 ? steps - 1 : latent * steps / count) : nil
        case .ends:
            return Self.firstLanding(latent: latent, of: count, placing: steps - 1, over: steps - 1)
        case .spreadWritten:
            return Self.firstLanding(latent: latent, of: count, placing: steps - 1, over: steps)
        case .chunks:
            return nil
        }
    }

    /// The first of steps 1…`placed` whose input ⌈count·j / slots⌉ (1-based) is input `latent`
    /// (0-based), as a 0-based step; nil when none lands there.
    private static func firstLanding(latent: Int, of count: Int, placing placed: Int, over slots: Int) -> Int? {
        guard placed > 0, latent >= 0, latent < count else { return nil }
        for j in 1...placed where (count * j + slots - 1) / slots == latent + 1 { return j - 1 }
        return nil
    }

    /// The written tokens that 0-based latent input `latent` of `count` decodes under `chunks`,
    /// as a range of the T = `written` tokens; nil when that input is free.
    public static func chunk(latent: Int, of count: Int, written: Int) -> Range<Int>? {
        guard count > 0, latent >= 0, latent < count else { return nil }
        let range = (latent * written / count)..<((latent + 1) * written / count)
        return range.isEmpty ? nil : range
    }

    /// The steps to place on the latents of an example whose latents stand for its first `s`
    /// steps only, the rest being written as text after them (a curriculum stage or a mixed row):
    /// the first `s` for `next`, `spread` and `all_blocks`, which put every step they are given on a latent;
    /// the first `s + 1` for the others, which place all but the last they are given (the last is
    /// the one the text after the latents computes first).
    public func placed(_ steps: [[Int]], standingFor s: Int) -> [[Int]] {
        switch self {
        case .next, .spread, .allBlocks: Array(steps.prefix(max(0, s)))
        case .written, .blocks, .chunks, .ends, .spreadWritten: Array(steps.prefix(max(0, s) + 1))
        }
    }

    /// What 0-based latent input `latent` of `count` decodes for an example whose reasoning steps
    /// tokenize as `steps`: the tokens, and the 0-based step they are (nil for a `chunks` run);
    /// nil when that input is free.
    public func target(latent: Int, of count: Int, steps: [[Int]]) -> (tokens: [Int], step: Int?)? {
        if self == .chunks {
            let written = Array(steps.dropLast().joined())
            return Self.chunk(latent: latent, of: count, written: written.count).map { (Array(written[$0]), nil) }
        }
        guard let step = step(latent: latent, of: count, steps: steps.count), step < steps.count else { return nil }
        return (steps[step], step)
    }
}

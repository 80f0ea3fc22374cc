// Forward FLOPs of inference, counted from the positions a run actually computed: what a shorter
// latent chain saves, in the unit a GPU bill is written in (2 FLOPs per multiply-add).

extension LlamaConfiguration {
    /// FLOPs of one decoder position that attends over `context` keys (itself included), with a
    /// key-value cache: the four attention projections, the SwiGLU MLP and the attention itself,
    /// in every block. Norms, rotary embedding and softmax are left out (a few d per position).
    public func positionFLOPs(context: Int) -> Double {
        let d = Double(dimension), m = Double(mlpHiddenSize)
        let perBlock = 2 * 4 * d * d + 2 * 3 * d * m + 2 * 2 * d * Double(max(1, context))
        return Double(layers) * perBlock
    }

    /// FLOPs of the output head (tied embedding) at one position.
    public var headFLOPs: Double { 2 * Double(dimension) * Double(vocabularySize) }
}

extension LatentModel {
    /// Forward FLOPs of answering one question: a prompt of `promptLength` tokens (prefilled,
    /// the stop head read at its last position), `latentSteps` latent positions (each through the
    /// filter, the decoder and the stop head), `<END>`, and `answerTokens` generated tokens (the
    /// output head at `<END>` and at every answer position but the last, whose token ends it).
    public func inferenceFLOPs(promptLength: Int, latentSteps: Int, answerTokens: Int) -> Double {
        let c = base.configuration, d = Double(c.dimension)
        let filter = 2 * 2 * d * d, stopHead = 2 * d * 2
        var flops = 0.0, position = 0
        for _ in 0..<promptLength { position += 1; flops += c.positionFLOPs(context: position) }
        flops += stopHead
        for _ in 0..<latentSteps { position += 1; flops += filter + c.positionFLOPs(context: position) + stopHead }
        let fed = 1 + max(0, answerTokens - 1)   // <END>, then every answer token but the last
        for _ in 0..<fed { position += 1; flops += c.positionFLOPs(context: position) + c.headFLOPs }
        return flops
    }
}

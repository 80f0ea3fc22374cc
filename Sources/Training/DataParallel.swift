// DataParallel: one optimizer step's forward and backward split across threads by batch rows.
//
// Why: at this model size (dim 128) every GEMM is small, and OpenBLAS's own threading spends a
// large share of each call synchronising and yielding (a profile of CoT SFT on 2 threads showed
// about a quarter of the time in sched_yield and the scheduler), while the elementwise kernels
// between GEMMs run on one thread. Splitting the batch instead — each worker runs a whole
// forward and backward of its rows with single-threaded OpenBLAS — keeps both cores busy on
// useful work, the way data-parallel training splits a batch across devices.
//
// Each worker has a replica of the model whose parameter tensors SHARE the weights' storage
// but own their gradient buffers; after the backward passes the replicas' gradients are added
// into the model's. The loss of a shard is weighted by its share of the batch's target tokens,
// so the sum is exactly the mean cross-entropy over the whole batch.

import Dispatch
import Foundation
import Models
import TensorCore

/// How a batch is cut for ``DataParallel``.
enum Sharding {
    /// The number of workers a step should use: the engine's thread count, unless the
    /// `LATENT_DATA_PARALLEL=0` environment variable turns splitting off.
    static var defaultWorkers: Int {
        if let flag = ProcessInfo.processInfo.environment["LATENT_DATA_PARALLEL"], flag == "0" { return 1 }
        return max(1, Engine.defaultThreads)
    }

    /// Splits `rows` (indices into a batch) into at most `workers` interleaved shards, so that
    /// each gets rows of every length in a length-sorted batch.
    static func shards<T>(_ rows: [T], workers: Int) -> [[T]] {
        let n = max(1, min(workers, rows.count))
        return (0..<n).map { w in stride(from: w, to: rows.count, by: n).map { rows[$0] } }
    }
}

/// Model replicas that share weights, for splitting a batch's forward and backward across
/// threads. Worker 0 is the model itself.
final class DataParallel<Model: WeightSharingModel> {
    /// The model (index 0) and its replicas.
    let models: [Model]
    private let parameterLists: [[Tensor]]

    /// Replicas for `workers` threads (at least 1; 1 means no splitting).
    init(model: Model, workers: Int) throws {
        var models = [model]
        for _ in 1..<max(1, workers) { models.append(try model.sharingWeights()) }
        self.models = models
        parameterLists = models.map { $0.parameters() }
    }

    var workers: Int { models.count }

    /// Runs `body(models[i], items[i])` for every item, each on its own thread with
    /// single-threaded OpenBLAS (on the calling thread when there is one item), and returns the
    /// results in order. The first error thrown by any worker is rethrown.
    func map<Item, Output>(_ items: [Item], _ body: (Model, Item) throws -> Output) throws -> [Output] {
        precondition(items.count <= models.count, "more shards than workers")
        if items.count == 1 { return [try body(models[0], items[0])] }
        var results = [Result<Output, Error>?](repeating: nil, count: items.count)
        let previous = BLAS.threads
        BLAS.setThreads(1)
        defer { BLAS.setThreads(previous) }
        let region = Profiler.beginRegion(workers: items.count)
        func work(_ i: Int) -> Result<Output, Error> { Profiler.worker(region, i) { Result { try body(models[i], items[i]) } } }
        results.withUnsafeMutableBufferPointer { out in
            let slots = Unchecked(out)
            withoutActuallyEscaping(work) { work in
                let job = Unchecked(work)
                DispatchQueue.concurrentPerform(iterations: items.count) { i in slots.value[i] = job.value(i) }
            }
        }
        Profiler.endRegion(region)
        return try results.map { try $0!.get() }
    }

    /// Gradient-free forward passes of `batches` (at most one per worker), in parallel; each
    /// worker sets its own no-grad scope (task-locals do not cross threads).
    @discardableResult
    func forward(_ batches: [TokenBatch]) throws -> [ModelOutput] where Model == LlamaModel {
        try map(batches) { model, batch in try Autograd.withoutGrad { try model.forward(batch) } }
    }

    /// Backpropagates `losses[i]` (worker i's scalar loss) seeded with `weights[i]`, in
    /// parallel, and leaves the summed gradients on the model's parameters.
    func backward(_ losses: [Tensor], weights: [Double]) {
        precondition(losses.count == weights.count && losses.count <= models.count)
        _ = try? map(Array(zip(losses, weights))) { _, item -> Void in
            if item.1 > 0 { item.0.backward(gradient: Tensor(scalar: Float(item.1))) } else { item.0.detachGraph() }
        }
        gatherGradients(workers: losses.count)
    }

    /// Runs `loss(model, shard)` for each shard on its own thread, backpropagates each shard's
    /// loss weighted by its share of the target tokens, and leaves the summed gradients on the
    /// model's parameters. Returns the batch loss (token-weighted mean of the shard losses);
    /// it is not finite when any shard's is, and then no gradient is left behind.
    ///
    /// `loss` must return a mean over the shard's `targetTokens(shard)` targets.
    func lossAndGradients<Shard>(
        _ shards: [Shard], targetTokens: (Shard) -> Int,
        loss: (Model, Shard) throws -> Tensor
    ) throws -> Double {
        let total = Double(shards.reduce(0) { $0 + targetTokens($1) })
        guard total > 0 else { return 0 }
        // Forward and backward in one pass per worker: each graph is freed as soon as it is used.
        let values = try map(shards) { model, shard -> Double in
            let weight = Double(targetTokens(shard)) / total
            guard weight > 0 else { return 0 }
            let value = try loss(model, shard)
            let v = Double(value.item)
            if v.isFinite { value.backward(gradient: Tensor(scalar: Float(weight))) } else { value.detachGraph() }
            return v * weight
        }
        let sum = values.reduce(0, +)
        if sum.isFinite { gatherGradients(workers: shards.count) } else { clearReplicaGradients() }
        return sum
    }

    /// Runs `body(models[i], items[i])` in parallel as ``map(_:_:)`` does, where each body
    /// backpropagates its own loss, and then sums the replicas' gradients into the model's.
    /// When a body throws, the replicas' gradients are cleared and the error is rethrown.
    func accumulate<Item, Output>(_ items: [Item], _ body: (Model, Item) throws -> Output) throws -> [Output] {
        do {
            let outputs = try map(items, body)
            gatherGradients(workers: items.count)
            return outputs
        } catch {
            clearReplicaGradients()
            throw error
        }
    }

    /// Zeroes the replicas' gradients (after a step that is not applied).
    private func clearReplicaGradients() {
        for list in parameterLists.dropFirst() { for p in list { p.zeroGrad() } }
    }

    /// Adds the replicas' gradients into the model's and zeroes them.
    private func gatherGradients(workers: Int) {
        guard workers > 1 else { return }
        let profiled = Profiler.open(.gradientReduction)
        defer { Profiler.close(profiled) }
        for w in 1..<workers {
            for (main, replica) in zip(parameterLists[0], parameterLists[w]) {
                guard let g = replica.grad else { continue }
                let dst = main.gradBuffer(), src = g.data
                for i in 0..<main.count { dst[i] += src[i] }
                replica.zeroGrad()
            }
        }
    }
}

/// Hands a value (result slots, the worker body, read-only models) to `concurrentPerform`,
/// which returns before the workers end; each worker writes only its own slot.
private struct Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

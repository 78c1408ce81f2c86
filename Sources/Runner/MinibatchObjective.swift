import DeterministicRandom
import Foundation
import NeuralNetworks
import Optimizers
import ResultStore

/// The training objective as an optimizer sees it when it drives the objective itself (PyTorch's
/// `step(closure)`; SFO and L-BFGS need this): a sum over minibatches, any of which can be
/// evaluated at any point, returning its loss and writing its gradient. Evaluations draw dropout
/// masks from the run's dropout stream in the order they happen, so they stay reproducible.
public final class MinibatchObjective {
    /// Minibatches in the current epoch's partition.
    public var batchCount: Int { batches.count }
    /// How many minibatch evaluations have been made (the cost measure of quasi-Newton methods).
    public internal(set) var evaluations = 0

    let model: any Model<Float>
    let evaluateBatch: (ArraySlice<Int>, (ModelBatch<Float>) -> StepLoss) -> StepLoss
    /// The epoch's partition: example indices of each minibatch, in the shuffled order.
    var batches: [ArraySlice<Int>] = []
    var noise: Xoshiro256
    /// Training examples, the minibatch size (for full-batch evaluations) and the most examples the
    /// model's workspace takes at once (larger sets are evaluated in chunks of that size).
    let exampleCount: Int
    let batchSize: Int
    let capacity: Int
    private lazy var partial = [Float](repeating: 0, count: model.layout.count)
    /// The training set in contiguous minibatches of the spec's size (full-batch evaluations), made once.
    private lazy var fullBatchChunks: [ArraySlice<Int>] = stride(from: 0, to: exampleCount, by: batchSize).map {
        Array($0..<min($0 + batchSize, exampleCount))[...]
    }

    init(
        model: any Model<Float>, noise: Xoshiro256, exampleCount: Int, batchSize: Int, capacity: Int,
        evaluateBatch: @escaping (ArraySlice<Int>, (ModelBatch<Float>) -> StepLoss) -> StepLoss
    ) {
        self.model = model
        self.noise = noise
        self.exampleCount = exampleCount
        self.batchSize = batchSize
        self.capacity = max(1, capacity)
        self.evaluateBatch = evaluateBatch
    }

    /// The loss of minibatch `batch` at `parameters`; its gradient (of the minibatch objective, L2
    /// included) goes to `gradient`.
    public func evaluate(
        batch: Int, at parameters: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>
    ) -> StepLoss {
        precondition(batches.indices.contains(batch), "minibatch \(batch) outside the epoch's \(batches.count)")
        return evaluate(examples: batches[batch], at: parameters, gradient: gradient)
    }

    /// The mean loss over `examples` at `parameters` (L2 included in the gradient). Sets larger than
    /// the model's workspace (SFO's subfunctions can be) go in consecutive chunks of `capacity`
    /// examples, weighted by their sizes; it counts as one evaluation.
    public func evaluate(
        examples: ArraySlice<Int>, at parameters: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>
    ) -> StepLoss {
        evaluations += 1
        guard examples.count > capacity else {
            return evaluateBatch(examples) {
                model.trainingStep(parameters: parameters, gradients: gradient, batch: $0, rng: &noise)
            }
        }
        return accumulate(
            over: stride(from: examples.startIndex, to: examples.endIndex, by: capacity).map {
                examples[$0..<min($0 + capacity, examples.endIndex)]
            }, at: parameters, gradient: gradient)
    }

    /// sum_c (n_c / n) f_c over the chunks, with the gradient likewise.
    private func accumulate(
        over chunks: [ArraySlice<Int>], at parameters: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>
    ) -> StepLoss {
        let count = model.layout.count
        let total = Double(chunks.reduce(0) { $0 + $1.count })
        for i in 0..<count { gradient[i] = 0 }
        var loss = 0.0, penalty = 0.0
        for chunk in chunks {
            let weight = Double(chunk.count) / total
            let part = partial.withUnsafeMutableBufferPointer { p in
                evaluateBatch(chunk) {
                    model.trainingStep(parameters: parameters, gradients: p.baseAddress!, batch: $0, rng: &noise)
                }
            }
            loss += weight * part.loss
            penalty = part.penalty
            partial.withUnsafeBufferPointer { p in for i in 0..<count { gradient[i] += Float(weight) * p[i] } }
        }
        return StepLoss(loss: loss, penalty: penalty)
    }

    /// The mean loss over the whole training set, in contiguous minibatches of the spec's size
    /// (each counts as one evaluation), weighted by their sizes: sum_b (n_b / n) loss_b.
    public func evaluateFullBatch(
        at parameters: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>
    ) -> StepLoss {
        evaluations += fullBatchChunks.count
        return accumulate(over: fullBatchChunks, at: parameters, gradient: gradient)
    }
}

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

/// How the training loop advances: `stepsPerEpoch` calls of `step` per epoch. Optimizers that use
/// one gradient per step go through `GradientStep`; optimizers that evaluate the objective
/// themselves (`SFOStep`, `LBFGSStep`) conform directly and may evaluate any minibatches at any
/// points.
public protocol StepDriver: AnyObject {
    /// Steps taken so far.
    var stepCount: Int { get }
    /// Steps in an epoch whose shuffled partition has `minibatches` minibatches.
    func stepsPerEpoch(minibatches: Int) -> Int
    /// Takes one step from `parameters` (updated in place). `scheduledBatch` is the minibatch the
    /// epoch's shuffled order assigns to this step. Returns the loss to log for the step.
    func step(
        parameters: UnsafeMutableBufferPointer<Float>, objective: MinibatchObjective, scheduledBatch: Int
    ) -> StepLoss
    /// The parameters to evaluate with (e.g. a temporal average); false = the parameters themselves.
    func writeEvaluationParameters(into destination: UnsafeMutableBufferPointer<Float>) -> Bool
    /// Complete state for checkpoints, or nil when the driver is not checkpointed (the run then
    /// starts over after an interruption, and, being deterministic, records the same curve).
    func checkpointState() -> [UInt8]?
    func restore(_ state: [UInt8]) throws
    /// Metrics to record at each epoch end besides the evaluation (name, value).
    func epochMetrics(objective: MinibatchObjective) -> [(String, Double)]
}

/// The gradient optimizers of the catalogue as step drivers: evaluate the scheduled minibatch once,
/// then apply the update rule.
final class GradientStep: StepDriver {
    let optimizer: Optimizers.Optimizer<Float>
    let gradients: UnsafeMutableBufferPointer<Float>

    init(_ optimizer: Optimizers.Optimizer<Float>) {
        self.optimizer = optimizer
        gradients = .allocate(capacity: optimizer.parameterCount)
        gradients.initialize(repeating: 0)
    }

    deinit { gradients.deallocate() }

    var stepCount: Int { optimizer.step }

    func stepsPerEpoch(minibatches: Int) -> Int { minibatches }

    func step(
        parameters: UnsafeMutableBufferPointer<Float>, objective: MinibatchObjective, scheduledBatch: Int
    ) -> StepLoss {
        let loss = objective.evaluate(
            batch: scheduledBatch, at: UnsafePointer(parameters.baseAddress!), gradient: gradients.baseAddress!)
        optimizer.step(parameters: parameters, gradients: UnsafeBufferPointer(gradients))
        return loss
    }

    func writeEvaluationParameters(into destination: UnsafeMutableBufferPointer<Float>) -> Bool {
        optimizer.configuration.averages && optimizer.writeAveragedParameters(into: destination)
    }

    func checkpointState() -> [UInt8]? { [UInt8](optimizer.state().serialized()) }

    func restore(_ state: [UInt8]) throws {
        try optimizer.restore(Optimizers.OptimizerState<Float>(serialized: Data(state)))
    }

    func epochMetrics(objective: MinibatchObjective) -> [(String, Double)] {
        optimizer.fractionOfSecondMomentBelowEpsilon().map { [(MetricPoint.secondMomentBelowEpsilon, $0)] } ?? []
    }
}

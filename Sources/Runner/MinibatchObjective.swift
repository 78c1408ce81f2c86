import DeterministicRandom
import NeuralNetworks

/// The training objective as an optimizer sees it when it drives the objective itself (PyTorch's
/// `step(closure)`; SFO and L-BFGS need this): a sum over the epoch's minibatches, any of which can be
/// evaluated at any point, returning its loss and writing its gradient. Evaluations draw dropout
/// masks from the run's dropout stream in the order they happen, so they stay reproducible.
public final class MinibatchObjective {
    /// Minibatches in the current epoch's partition.
    public var batchCount: Int { batches.count }
    /// How many minibatch evaluations have been made (the cost measure of quasi-Newton methods).
    public private(set) var evaluations = 0

    let model: any Model<Float>
    let evaluateBatch: (ArraySlice<Int>, (ModelBatch<Float>) -> StepLoss) -> StepLoss
    /// The epoch's partition: example indices of each minibatch, in the shuffled order.
    var batches: [ArraySlice<Int>] = []
    var noise: Xoshiro256

    init(model: any Model<Float>, noise: Xoshiro256, evaluateBatch: @escaping (ArraySlice<Int>, (ModelBatch<Float>) -> StepLoss) -> StepLoss) {
        self.model = model
        self.noise = noise
        self.evaluateBatch = evaluateBatch
    }

    /// The loss of minibatch `batch` at `parameters`; its gradient (of the minibatch objective, L2
    /// included) goes to `gradient`.
    public func evaluate(batch: Int, at parameters: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>) -> StepLoss {
        precondition(batches.indices.contains(batch), "minibatch \(batch) outside the epoch's \(batches.count)")
        evaluations += 1
        return evaluateBatch(batches[batch]) { model.trainingStep(parameters: parameters, gradients: gradient, batch: $0, rng: &noise) }
    }
}

/// How the training loop advances: one call per scheduled minibatch. Optimizers that use one
/// gradient per step go through `GradientStep`; optimizers that evaluate the objective themselves
/// (SFO, L-BFGS — issue 8) conform directly and may evaluate any minibatches at any points.
public protocol StepDriver: AnyObject {
    /// Steps taken so far.
    var stepCount: Int { get }
    /// Takes one step from `parameters` (updated in place). `scheduledBatch` is the minibatch the
    /// epoch's shuffled order assigns to this step. Returns the loss to log for the step.
    func step(parameters: UnsafeMutableBufferPointer<Float>, objective: MinibatchObjective, scheduledBatch: Int) -> StepLoss
    /// The parameters to evaluate with (e.g. a temporal average); false = the parameters themselves.
    func writeEvaluationParameters(into destination: UnsafeMutableBufferPointer<Float>) -> Bool
    /// Complete state for checkpoints, and its restoration.
    func checkpointState() -> [UInt8]
    func restore(_ state: [UInt8]) throws
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

    func step(parameters: UnsafeMutableBufferPointer<Float>, objective: MinibatchObjective, scheduledBatch: Int) -> StepLoss {
        let loss = objective.evaluate(batch: scheduledBatch, at: UnsafePointer(parameters.baseAddress!), gradient: gradients.baseAddress!)
        optimizer.step(parameters: parameters, gradients: UnsafeBufferPointer(gradients))
        return loss
    }

    func writeEvaluationParameters(into destination: UnsafeMutableBufferPointer<Float>) -> Bool {
        optimizer.configuration.averages && optimizer.writeAveragedParameters(into: destination)
    }

    func checkpointState() -> [UInt8] { [UInt8](optimizer.state().serialized()) }

    func restore(_ state: [UInt8]) throws { try optimizer.restore(Optimizers.OptimizerState<Float>(serialized: Data(state))) }
}

import Foundation
import Optimizers

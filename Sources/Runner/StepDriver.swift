import DeterministicRandom
import Foundation
import NeuralNetworks
import Optimizers
import ResultStore
import Vocabulary

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
    /// The parameters to evaluate with, given the current `parameters` (a temporal average, or
    /// Schedule-Free's x_t); false = the parameters themselves.
    func writeEvaluationParameters(
        from parameters: UnsafeBufferPointer<Float>, into destination: UnsafeMutableBufferPointer<Float>
    ) -> Bool
    /// Complete state for checkpoints, or nil when the driver is not checkpointed (the run then
    /// starts over after an interruption, and, being deterministic, records the same curve).
    func checkpointState() -> [UInt8]?
    func restore(_ state: [UInt8]) throws
    /// Metrics to record at each epoch end besides the evaluation (name, value).
    func epochMetrics(objective: MinibatchObjective) -> [(MetricName, Double)]
}

import DeterministicRandom
import Foundation
import NeuralNetworks
import Optimizers
import ResultStore
import Vocabulary

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

    func writeEvaluationParameters(
        from parameters: UnsafeBufferPointer<Float>, into destination: UnsafeMutableBufferPointer<Float>
    ) -> Bool {
        optimizer.writeEvaluationParameters(from: parameters, into: destination)
    }

    func checkpointState() -> [UInt8]? { [UInt8](optimizer.state().serialized()) }

    func restore(_ state: [UInt8]) throws {
        try optimizer.restore(Optimizers.OptimizerState<Float>(serialized: Data(state)))
    }

    func epochMetrics(objective: MinibatchObjective) -> [(MetricName, Double)] {
        optimizer.fractionOfSecondMomentBelowEpsilon().map { [(MetricName.secondMomentBelowEpsilon, $0)] } ?? []
    }
}

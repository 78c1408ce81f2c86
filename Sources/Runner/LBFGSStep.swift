import Foundation
import NeuralNetworks
import Optimizers
import Plan
import QuasiNewton
import ResultStore

/// L-BFGS (`QuasiNewton.LBFGS`, PyTorch's conventions) driving the training objective. `batch:
/// minibatch` makes one PyTorch `step(closure)` per scheduled minibatch (up to `max-iter`
/// iterations on that minibatch; history carried across minibatches, as PyTorch does); `batch:
/// full` makes one `step` per epoch on the whole training set (each full evaluation is
/// ceil(n / batch) minibatch evaluations). Not checkpointed (see `SFOStep`).
final class LBFGSStep: QuasiNewtonDriver {
    let methodName = "L-BFGS"
    let lbfgs: LBFGS<Float>
    let fullBatch: Bool
    let memoryBytes: Int
    private(set) var stepCount = 0

    init(_ options: LBFGSOptions, count: Int) {
        lbfgs = LBFGS<Float>(count: count, settings: options.settings)
        fullBatch = options.fullBatch
        memoryBytes = LBFGS<Float>.memoryBytes(count: count, settings: options.settings)
    }

    func stepsPerEpoch(minibatches: Int) -> Int { fullBatch ? 1 : minibatches }

    func step(
        parameters: UnsafeMutableBufferPointer<Float>, objective: MinibatchObjective, scheduledBatch: Int
    ) -> StepLoss {
        stepCount += 1
        var penalty = 0.0
        let loss = lbfgs.step(parameters: parameters.baseAddress!) { [fullBatch] x, g in
            let result =
                fullBatch
                ? objective.evaluateFullBatch(at: x, gradient: g)
                : objective.evaluate(batch: scheduledBatch, at: x, gradient: g)
            penalty = result.penalty
            return result.objective
        }
        return StepLoss(loss: loss - penalty, penalty: penalty)
    }
}

import DeterministicRandom
import Foundation
import NeuralNetworks
import Optimizers
import QuasiNewton
import ResultStore

/// SFO (`QuasiNewton.SumOfFunctionsOptimizer`) driving the training objective.
///
/// Subfunctions: a fixed partition of the training set into N parts (the paper's setting), drawn
/// once per run from the seed (stream "partition"): `subfunctions` = 0 gives one part per minibatch
/// of the spec's batch size, N = ceil(n / batch); otherwise N parts of (nearly) equal size. An epoch
/// is N SFO iterations (one effective pass when no step fails; failed steps cost extra evaluations,
/// counted in `objective_evaluations`). The logged step loss is the chosen subfunction's.
///
/// Not checkpointed: SFO's state is dominated by its M x K_max subspace basis (gigabytes for the
/// MLP), so an interrupted SFO run starts over; being deterministic, it records the same curve.
/// With dropout the subfunctions are not deterministic functions of the parameters (each evaluation
/// draws new masks); the run proceeds and says so in its notes.
final class SFOStep: QuasiNewtonDriver {
    let methodName = "SFO"
    let sfo: SumOfFunctionsOptimizer<Float>
    let partition: [ArraySlice<Int>]
    let memoryBytes: Int

    init(
        _ c: OptimizerConfiguration, parameters: UnsafePointer<Float>, count: Int, examples: Int, batchSize: Int,
        seed: UInt64
    ) {
        let n = c.sfoSubfunctionCount(examples: examples, batchSize: batchSize)
        var rng = Xoshiro256(seed: seed, stream: "partition")
        let order = rng.permutation(examples)
        partition = (0..<n).map { i in order[(i * examples / n)..<((i + 1) * examples / n)] }
        let s = c.sfoSettings
        memoryBytes = SumOfFunctionsOptimizer<Float>.memoryBytes(parameters: count, subfunctions: n, settings: s)
        sfo = SumOfFunctionsOptimizer<Float>(
            parameters: parameters, count: count, subfunctions: n, settings: s, seed: seed)
    }

    var stepCount: Int { sfo.iterations }

    func stepsPerEpoch(minibatches: Int) -> Int { partition.count }

    func step(
        parameters: UnsafeMutableBufferPointer<Float>, objective: MinibatchObjective, scheduledBatch: Int
    ) -> StepLoss {
        var penalty = 0.0
        let loss = sfo.step(parameters: parameters.baseAddress!) { [partition] i, x, g in
            let result = objective.evaluate(examples: partition[i], at: x, gradient: g)
            penalty = result.penalty
            return result.objective
        }
        return StepLoss(loss: loss - penalty, penalty: penalty)
    }
}

import DeterministicRandom
import Foundation
import NeuralNetworks
import Optimizers
import Plan
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
/// SFO's state is Float64, as the reference implementation's NumPy arrays are: the parameters it
/// steps (a Float64 copy of the model's), its subspace basis and every subfunction's model. The
/// model evaluates in Float32 at the parameters rounded to Float32, and its gradient joins SFO's
/// state widened to Float64 (`RunPlan.optimizerNumericsRevision`: revision 2 of SFO's numerics).
///
/// Not checkpointed: SFO's state is dominated by its M x K_max subspace basis (gigabytes for the
/// MLP), so an interrupted SFO run starts over; being deterministic, it records the same curve.
/// With dropout the subfunctions are not deterministic functions of the parameters (each evaluation
/// draws new masks); the run proceeds and says so in its notes.
final class SFOStep: QuasiNewtonDriver {
    let methodName = "SFO"
    let sfo: SumOfFunctionsOptimizer<Double>
    let partition: [ArraySlice<Int>]
    let memoryBytes: Int
    /// The parameters SFO steps, and the Float32 point and gradient the model works with.
    let position: UnsafeMutableBufferPointer<Double>
    let point: UnsafeMutableBufferPointer<Float>
    let gradient: UnsafeMutableBufferPointer<Float>

    init(
        _ options: SFOOptions, parameters: UnsafePointer<Float>, count: Int, examples: Int, batchSize: Int,
        seed: UInt64
    ) {
        let n = options.subfunctionCount(examples: examples, batchSize: batchSize)
        var rng = Xoshiro256(seed: seed, stream: "partition")
        let order = rng.permutation(examples)
        partition = (0..<n).map { i in order[(i * examples / n)..<((i + 1) * examples / n)] }
        let s = options.settings
        memoryBytes = options.estimatedBytes(parameters: count, examples: examples, batchSize: batchSize)
        position = .allocate(capacity: count)
        point = .allocate(capacity: count)
        gradient = .allocate(capacity: count)
        for i in 0..<count { position[i] = Double(parameters[i]) }
        point.initialize(repeating: 0)
        gradient.initialize(repeating: 0)
        sfo = SumOfFunctionsOptimizer<Double>(
            parameters: position.baseAddress!, count: count, subfunctions: n, settings: s, seed: seed)
    }

    deinit {
        position.deallocate()
        point.deallocate()
        gradient.deallocate()
    }

    var stepCount: Int { sfo.iterations }

    func stepsPerEpoch(minibatches: Int) -> Int { partition.count }

    func step(
        parameters: UnsafeMutableBufferPointer<Float>, objective: MinibatchObjective, scheduledBatch: Int
    ) -> StepLoss {
        var penalty = 0.0
        let loss = sfo.step(parameters: position.baseAddress!) { [partition, point, gradient] i, x, g in
            for k in 0..<point.count { point[k] = Float(x[k]) }
            let result = objective.evaluate(
                examples: partition[i], at: point.baseAddress!, gradient: gradient.baseAddress!)
            for k in 0..<gradient.count { g[k] = Double(gradient[k]) }
            penalty = result.penalty
            return result.objective
        }
        for k in 0..<parameters.count { parameters[k] = Float(position[k]) }
        return StepLoss(loss: loss - penalty, penalty: penalty)
    }
}

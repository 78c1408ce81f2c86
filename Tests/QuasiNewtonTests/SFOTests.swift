import DeterministicRandom
import Foundation
import Optimizers
import QuasiNewton
import Testing

@Suite struct SFOTests {
    let problem = QuadraticSum()

    /// Subfunction evaluations SFO needs to bring the relative error to 1e-10 (and to 1e-4).
    func sfoEvaluations(
        _ settings: SFOSettings
    ) -> (toTarget: Int, to1e4: Int, error: Double, sfo: SumOfFunctionsOptimizer<Double>) {
        let sfo = SumOfFunctionsOptimizer<Double>(
            parameters: problem.start, count: problem.dimension, subfunctions: problem.n,
            settings: settings, seed: 1)
        var x = problem.start
        var error = problem.relativeError(x)
        var to1e4 = -1
        while error > 1e-10 && sfo.evaluations < 100_000 {
            _ = x.withUnsafeMutableBufferPointer { p in
                sfo.step(parameters: p.baseAddress!) { problem.subfunction($0, $1, $2) }
            }
            error = problem.relativeError(x)
            if error <= 1e-4 && to1e4 < 0 { to1e4 = sfo.evaluations }
        }
        return (sfo.evaluations, to1e4, error, sfo)
    }

    /// Issue 8: SFO reaches the minimizer to 1e-10 in far fewer subfunction evaluations than Adam
    /// needs for 1e-4. With the default subspace (K_max = 33 < 50 parameters: collapses every few
    /// iterations, each projecting the curvature history) SFO gets there too, more slowly. Both
    /// without the reference's minimum step length (1e-8 in absolute terms, which by design keeps
    /// every step above roundoff and so stops this problem at a relative error of about 1e-9).
    @Test func reachesTheMinimizerInFewerEvaluationsThanAdam() throws {
        var exact = SFOSettings()
        exact.minimumStepLength = 0
        var spanning = exact
        spanning.maxSubspaceDimension = problem.dimension
        let full = sfoEvaluations(spanning)
        let reduced = sfoEvaluations(exact)
        for (name, run) in [("subspace spanning the space", full), ("default subspace", reduced)] {
            print(
                "SFO (\(name)): relative error \(run.error) after \(run.toTarget) subfunction evaluations (1e-4 after \(run.to1e4)); \(run.sfo.failedSteps) failed steps, \(run.sfo.collapses) collapses"
            )
            #expect(run.error <= 1e-10, "\(name)")
        }

        // Adam, one subfunction gradient per step in a fixed cyclic order, best of a learning-rate grid
        // with a constant and an lr / sqrt(t) schedule.
        let budget = 1_000_000
        var best = Int.max, bestSetting = ""
        for lr in [3e-1, 1e-1, 3e-2, 1e-2, 3e-3] {
            for schedule in ["constant", "inverse-sqrt"] {
                let adam = try Optimizer<Double>(
                    OptimizerConfiguration(
                        name: "adam", hyperparameters: ["lr": .number(lr), "schedule": .string(schedule)]),
                    parameterCount: problem.dimension)
                var y = problem.start, g = [Double](repeating: 0, count: problem.dimension)
                var steps = 0
                while problem.relativeError(y) > 1e-4 && steps < budget {
                    _ = y.withUnsafeBufferPointer { p in
                        g.withUnsafeMutableBufferPointer {
                            problem.subfunction(steps % problem.n, p.baseAddress!, $0.baseAddress!)
                        }
                    }
                    y.withUnsafeMutableBufferPointer { p in
                        g.withUnsafeBufferPointer { adam.step(parameters: p, gradients: $0) }
                    }
                    steps += 1
                }
                if problem.relativeError(y) <= 1e-4 && steps < best {
                    best = steps
                    bestSetting = "lr \(lr), \(schedule)"
                }
            }
        }
        print(
            "Adam: relative error 1e-4 after \(best == .max ? "more than \(budget)" : "\(best)") subfunction evaluations (\(bestSetting))"
        )
        #expect(
            full.toTarget * 10 < min(best, budget), "SFO \(full.toTarget) evaluations to 1e-10, Adam \(best) to 1e-4")
        #expect(
            reduced.to1e4 * 5 < min(best, budget),
            "SFO (default subspace) \(reduced.to1e4) evaluations to 1e-4, Adam \(best)")
    }

    @Test func isReproducibleAndUsesItsSeed() {
        func run(seed: UInt64) -> [Double] {
            let sfo = SumOfFunctionsOptimizer<Double>(
                parameters: problem.start, count: problem.dimension, subfunctions: problem.n,
                settings: SFOSettings(), seed: seed)
            var x = problem.start
            for _ in 0..<60 {
                _ = x.withUnsafeMutableBufferPointer { p in
                    sfo.step(parameters: p.baseAddress!) { problem.subfunction($0, $1, $2) }
                }
            }
            return x
        }
        #expect(run(seed: 3) == run(seed: 3))
        #expect(run(seed: 3) != run(seed: 4))
    }

    @Test func collapsesItsSubspaceAndStillConverges() {
        // A small subspace (12 dimensions for 50 parameters) forces collapses.
        var settings = SFOSettings()
        settings.maxSubspaceDimension = 12
        let sfo = SumOfFunctionsOptimizer<Double>(
            parameters: problem.start, count: problem.dimension, subfunctions: problem.n,
            settings: settings, seed: 1)
        var x = problem.start
        var g = [Double](repeating: 0, count: problem.dimension)
        let initial = x.withUnsafeBufferPointer { p in
            g.withUnsafeMutableBufferPointer { problem.total(p.baseAddress!, $0.baseAddress!) }
        }
        for _ in 0..<400 {
            _ = x.withUnsafeMutableBufferPointer { p in
                sfo.step(parameters: p.baseAddress!) { problem.subfunction($0, $1, $2) }
            }
        }
        let final = x.withUnsafeBufferPointer { p in
            g.withUnsafeMutableBufferPointer { problem.total(p.baseAddress!, $0.baseAddress!) }
        }
        #expect(sfo.collapses > 0)
        #expect(sfo.subspaceDimension <= 12)
        #expect(final < initial * 1e-2, "loss \(initial) -> \(final)")
    }

    @Test func recoversFromANonFiniteEvaluation() {
        // The first evaluation of subfunction 0 after the start is poisoned: SFO must step back.
        var poisoned = true
        let sfo = SumOfFunctionsOptimizer<Double>(
            parameters: problem.start, count: problem.dimension, subfunctions: problem.n,
            settings: SFOSettings(), seed: 2)
        var x = problem.start
        for _ in 0..<50 {
            _ = x.withUnsafeMutableBufferPointer { p in
                sfo.step(parameters: p.baseAddress!) { i, point, g in
                    let loss = problem.subfunction(i, point, g)
                    if poisoned && sfo.evaluations > 3 {
                        poisoned = false
                        return .nan
                    }
                    return loss
                }
            }
        }
        #expect(x.allSatisfy { $0.isFinite })
        #expect(sfo.failedSteps >= 1)
    }

    @Test func estimatesItsMemory() {
        // MLP 784-1000-1000-10 (1,796,010 parameters), 469 subfunctions (MNIST in minibatches of 128).
        let bytes = SumOfFunctionsOptimizer<Float>.memoryBytes(
            parameters: 1_796_010, subfunctions: 469, settings: SFOSettings())
        let k = SFOSettings().subspaceCapacity(subfunctions: 469, parameters: 1_796_010)
        #expect(k == 1410)
        #expect(bytes > 1_796_010 * 1410 * 4 && bytes < 1_796_010 * 1410 * 4 + 500_000_000)
    }
}

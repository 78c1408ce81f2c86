import Foundation
import QuasiNewton
import Testing

@Suite struct LBFGSTests {
    let problem = QuadraticSum()

    /// PyTorch's iterates (torch.optim.LBFGS, strong Wolfe, history 10, float64) from the same start,
    /// over 60 iterations (one per step; and 20 per step), every point to 1e-8 (see the generator
    /// for the horizon).
    @Test(arguments: ["one-iteration-steps", "default-steps"])
    func matchesPyTorch(_ name: String) throws {
        let reference = try #require(QuadraticSum.fixture.cases[name])
        var settings = LBFGSSettings()
        settings.maxIterations = reference.options.max_iter ?? 20
        settings.maxEvaluations = reference.options.max_eval
        settings.toleranceGrad = 1e-300
        settings.toleranceChange = 1e-300
        let lbfgs = LBFGS<Double>(count: problem.dimension, settings: settings)
        var x = problem.start
        var worst = 0.0
        for (step, expected) in reference.points.enumerated() {
            let loss = x.withUnsafeMutableBufferPointer { p in
                lbfgs.step(parameters: p.baseAddress!) { problem.total($0, $1) }
            }
            #expect(
                abs(loss - reference.losses[step]) <= 1e-8 * max(1, abs(reference.losses[step])), "step \(step) loss")
            for (a, b) in zip(x, expected) { worst = max(worst, abs(a - b) / max(1, abs(b))) }
        }
        print(
            "L-BFGS vs torch \(QuadraticSum.fixture.torch), \(name): largest deviation \(worst) over \(reference.points.count) steps, \(lbfgs.functionEvaluations) evaluations (torch \(reference.function_evaluations))"
        )
        #expect(worst <= 1e-8, "largest deviation from PyTorch's iterates: \(worst)")
        #expect(lbfgs.functionEvaluations == reference.function_evaluations)
    }

    /// With PyTorch's absolute curvature threshold (y^T s > 1e-10) the history freezes near the
    /// minimizer; with the textbook rule (y^T s > 0) L-BFGS reaches it.
    @Test func reachesTheMinimizer() {
        var settings = LBFGSSettings()
        settings.toleranceGrad = 1e-300
        settings.toleranceChange = 1e-300
        settings.curvatureThreshold = 0
        let lbfgs = LBFGS<Double>(count: problem.dimension, settings: settings)
        var x = problem.start
        var error = problem.relativeError(x)
        while error > 1e-10 && lbfgs.iterations < 10_000 {
            _ = x.withUnsafeMutableBufferPointer { p in lbfgs.step(parameters: p.baseAddress!) { problem.total($0, $1) }
            }
            error = problem.relativeError(x)
        }
        print(
            "L-BFGS: relative error \(error) after \(lbfgs.iterations) iterations, \(lbfgs.functionEvaluations) evaluations of F (\(lbfgs.functionEvaluations * problem.n) subfunction evaluations)"
        )
        #expect(error <= 1e-10)
    }

    @Test func cubicInterpolationFindsTheMinimumOfACubic() {
        // f(t) = (t - 1)^3 - 3 (t - 1) has its local minimum at t = 2; f' = 3 (t - 1)^2 - 3.
        let f = { (t: Double) in (t - 1) * (t - 1) * (t - 1) - 3 * (t - 1) },
            g = { (t: Double) in 3 * (t - 1) * (t - 1) - 3 }
        let t = StrongWolfeLineSearch<Double>.cubicMinimum(1.5, f(1.5), g(1.5), 3, f(3), g(3))
        #expect(abs(t - 2) < 1e-12)
        // No real minimum: the bounds' midpoint.
        #expect(StrongWolfeLineSearch<Double>.cubicMinimum(0, 0, 3, 1, 2.9, 3, bounds: (0, 4)) == 2)
    }
}

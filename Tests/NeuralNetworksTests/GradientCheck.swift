import DeterministicRandom
import NeuralNetworks
import Testing
import Vocabulary

/// Central finite differences against the analytic gradient, in Float64.
struct GradientCheck {
    /// Norm-wise relative error ||analytic - numeric|| / max(||analytic||, ||numeric||), and the worst
    /// coordinate-wise relative error among coordinates whose gradient is at least 1% of the largest.
    struct Result: CustomStringConvertible {
        let normRelativeError: Double
        let worstCoordinateError: Double
        let worstCoordinate: String
        var description: String {
            "norm-wise \(normRelativeError), worst coordinate \(worstCoordinateError) at \(worstCoordinate)"
        }
    }

    static func run<M: Model>(
        _ model: M, parameters: [Double], batch: ModelBatch<Double>, seed: UInt64 = 7, step h: Double = 1e-5
    ) -> Result where M.Scalar == Double {
        let n = model.layout.count
        precondition(parameters.count == n)
        var p = parameters
        var analytic = [Double](repeating: .nan, count: n)
        func objective(_ p: [Double]) -> Double {
            var rng = Xoshiro256(seed: seed)  // same dropout mask / noise for every evaluation
            var g = [Double](repeating: 0, count: n)
            return p.withUnsafeBufferPointer { pp in
                g.withUnsafeMutableBufferPointer { gg in
                    model.trainingStep(parameters: pp.baseAddress!, gradients: gg.baseAddress!, batch: batch, rng: &rng)
                        .objective
                }
            }
        }
        var rng = Xoshiro256(seed: seed)
        _ = p.withUnsafeBufferPointer { pp in
            analytic.withUnsafeMutableBufferPointer { gg in
                model.trainingStep(parameters: pp.baseAddress!, gradients: gg.baseAddress!, batch: batch, rng: &rng)
            }
        }
        var numeric = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let saved = p[i]
            p[i] = saved + h
            let up = objective(p)
            p[i] = saved - h
            let down = objective(p)
            p[i] = saved
            numeric[i] = (up - down) / (2 * h)
        }
        var diff = 0.0, na = 0.0, nn = 0.0
        for i in 0..<n {
            diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i])
            na += analytic[i] * analytic[i]
            nn += numeric[i] * numeric[i]
        }
        let largest = numeric.map(abs).max() ?? 0
        var worst = 0.0, worstIndex = 0
        for i in 0..<n where abs(numeric[i]) >= 0.01 * largest {
            let e = abs(analytic[i] - numeric[i]) / max(abs(analytic[i]), abs(numeric[i]))
            if e > worst {
                worst = e
                worstIndex = i
            }
        }
        let view = model.layout.views.first { $0.range.contains(worstIndex) }
        return Result(
            normRelativeError: diff.squareRoot() / max(na.squareRoot(), nn.squareRoot(), 1e-300),
            worstCoordinateError: worst, worstCoordinate: "\(view?.name ?? "?")[\(worstIndex - (view?.offset ?? 0))]")
    }

    static func randomParameters<M: Model>(_ model: M, seed: UInt64) -> [Double] where M.Scalar == Double {
        var p = [Double](repeating: 0, count: model.layout.count)
        var rng = Xoshiro256(seed: seed)
        p.withUnsafeMutableBufferPointer {
            model.initialize(parameters: $0.baseAddress!, scheme: .glorotUniform, rng: &rng)
        }
        // Non-zero biases too, so that their gradients are exercised away from symmetric points.
        for view in model.layout.views where view.initialization == .zero {
            for i in view.range { p[i] = (rng.nextUnit() - 0.5) * 0.2 }
        }
        return p
    }

    static func randomInputs(count: Int, seed: UInt64, range: ClosedRange<Double> = 0...1) -> [Double] {
        var rng = Xoshiro256(seed: seed)
        return (0..<count).map { _ in range.lowerBound + rng.nextUnit() * (range.upperBound - range.lowerBound) }
    }
}

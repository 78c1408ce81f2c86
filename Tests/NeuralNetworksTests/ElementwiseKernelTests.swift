import CNeuralKernels
import DeterministicRandom
import Foundation
import NeuralNetworks
import Testing

/// The vectorized Float32 kernels (CNeuralKernels) against the Float64 libm functions.
@Suite struct ElementwiseKernelTests {
    /// Inputs: a dense grid over [-100, 100], the region near 0, and random values.
    static let inputs: [Float] = {
        var values = stride(from: -100.0, through: 100.0, by: 0.01).map { Float($0) }
        values += stride(from: -1e-3, through: 1e-3, by: 1e-6).map { Float($0) }
        var rng = Xoshiro256(seed: 7, stream: "kernel-test")
        values += (0..<100_000).map { _ in Float(rng.nextGaussian() * 8) }
        return values
    }()

    static func relativeError(_ a: Float, _ b: Double) -> Double {
        abs(Double(a) - b) / max(abs(b), Double(Float.leastNormalMagnitude))
    }

    @Test func expAndLog1pAreWithinAFewUlp() {
        var worstExp = 0.0, worstLog = 0.0
        for x in stride(from: -87.0, through: 88.0, by: 0.001) {
            let xf = Float(x)
            worstExp = max(worstExp, Self.relativeError(adambench_exp_f32(xf), Foundation.exp(Double(xf))))
        }
        for y in stride(from: 0.0, through: 1.0, by: 1e-5) + [1e-30, 1e-20, 1e-10, 1e-7] {
            let yf = Float(y)
            worstLog = max(worstLog, Self.relativeError(adambench_log1p_unit_f32(yf), Foundation.log1p(Double(yf))))
        }
        // Float32's unit roundoff is 6e-8.
        #expect(worstExp < 4e-7, "exp: worst relative error \(worstExp)")
        #expect(worstLog < 4e-7, "log1p: worst relative error \(worstLog)")
    }

    @Test func softplusSigmoidAndCrossEntropyMatchFloat64() {
        let x = Self.inputs, n = x.count
        var y = [Float](repeating: 0, count: n)
        Float.softplus(x, into: &y, count: n)
        var dy = [Float](repeating: 1, count: n)
        Float.scaleBySigmoid(&dy, of: x, count: n)
        var worstSoftplus = 0.0, worstSigmoid = 0.0
        for i in 0..<n {
            let v = Double(x[i])
            let softplus = max(v, 0) + Foundation.log1p(Foundation.exp(-abs(v)))
            let sigmoid = v >= 0 ? 1 / (1 + Foundation.exp(-v)) : Foundation.exp(v) / (1 + Foundation.exp(v))
            // Below e^-87 the kernels return e^-87.3 instead of the (denormal or zero) exact value.
            if softplus > 1e-37 { worstSoftplus = max(worstSoftplus, Self.relativeError(y[i], softplus)) }
            if sigmoid > 1e-37 { worstSigmoid = max(worstSigmoid, Self.relativeError(dy[i], sigmoid)) }
        }
        #expect(worstSoftplus < 5e-7, "softplus: worst relative error \(worstSoftplus)")
        #expect(worstSigmoid < 5e-7, "sigmoid: worst relative error \(worstSigmoid)")

        // Cross-entropy with logits against pixel-like targets in [0, 1].
        let targets = (0..<n).map { Float($0 % 101) / 100 }
        let sum = Float.crossEntropyWithLogitsSum(x, targets: targets, count: n)
        let exact = (0..<n).reduce(0.0) { acc, i in
            let v = Double(x[i])
            return acc + max(v, 0) - v * Double(targets[i]) + Foundation.log1p(Foundation.exp(-abs(v)))
        }
        #expect(abs(sum - exact) / exact < 1e-5, "cross-entropy sum \(sum) vs \(exact)")
        var gradient = x
        Float.crossEntropyWithLogitsGradient(&gradient, targets: targets, scale: 0.5, count: n)
        var worstGradient = 0.0
        for i in 0..<n {
            let v = Double(x[i])
            let sigmoid = v >= 0 ? 1 / (1 + Foundation.exp(-v)) : Foundation.exp(v) / (1 + Foundation.exp(v))
            worstGradient = max(worstGradient, abs(Double(gradient[i]) - (sigmoid - Double(targets[i])) * 0.5))
        }
        #expect(worstGradient < 1e-7, "cross-entropy gradient: worst absolute error \(worstGradient)")
    }

    @Test func kernelsHandleEveryLengthAndExtremeInputs() {
        // Lengths around the 16-lane blocks, and infinities (which the clamp keeps finite).
        for n in [0, 1, 15, 16, 17, 33] {
            let x = (0..<n).map { Float($0) - 8 }, t = [Float](repeating: 0.5, count: n)
            let sum = Float.crossEntropyWithLogitsSum(x, targets: t, count: n)
            let reference = Float.elementwiseCrossEntropyWithLogitsSum(x, targets: t, count: n)
            #expect(abs(sum - reference) <= 1e-5 * max(1, abs(reference)), "n = \(n)")
        }
        var y = [Float](repeating: 0, count: 2)
        Float.softplus([Float.infinity, -Float.infinity], into: &y, count: 2)
        #expect(y[0] == .infinity && y[1] >= 0 && y[1] < 1e-37)
    }
}

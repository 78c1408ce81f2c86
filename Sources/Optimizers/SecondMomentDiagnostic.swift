import Foundation

extension Optimizer {
    /// Claim 6 of the paper (Section 6.3, the CNN): after a few epochs Adam's second-moment estimate
    /// vanishes and the step is dominated by epsilon. Measured as the fraction of coordinates with
    ///     sqrt(v̂_i) < ε,   v̂ = v / (1 - β₂ᵗ) (v itself when bias correction is off),
    /// where v is the rule's `exp_avg_sq` buffer and ε its `epsilon`. nil for optimizers without a
    /// second-moment estimate (and before the first step).
    public func fractionOfSecondMomentBelowEpsilon() -> Double? {
        guard step > 0, parameterCount > 0, let v = rule.buffers.first(where: { $0.name == "exp_avg_sq" }),
            let (beta2, epsilon, corrected) = settings.secondMoment
        else { return nil }
        let correction = corrected ? 1 - pow(beta2, Double(step)) : 1
        // sqrt(v / c) < eps  <=>  v < eps^2 c  (v >= 0).
        let threshold = Scalar(epsilon * epsilon * correction)
        var below = 0
        for i in 0..<parameterCount where v.pointer[i] < threshold { below += 1 }
        return Double(below) / Double(parameterCount)
    }
}

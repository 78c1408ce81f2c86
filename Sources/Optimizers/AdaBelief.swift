import Foundation

/// AdaBelief (Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed
/// Gradients"), the form of the authors' package `adabelief-pytorch` 0.2.1:
///
///     theta_{t-1} <- (1 - lr_t * wd) * theta_{t-1}        (decoupled weight decay: the default)
///     g_t <- g_t + wd * theta_{t-1}                      (decoupled-weight-decay: false, instead)
///     m_t = b1 * m_{t-1} + (1 - b1) * g_t
///     s_t = b2 * s_{t-1} + (1 - b2) * (g_t - m_t)^2 + eps     (eps added to the state every step)
///     amsgrad:   s^_t = max(s^_{t-1}, s_t), used for the unrectified denominator below
///     rectify (default; RAdam's rule, as the package has it, with N_t >= 5 where RAdam has > 5):
///         N_inf = 2 / (1 - b2) - 1;   N_t = N_inf - 2 t b2^t / (1 - b2^t)
///         N_t >= 5:  theta_t = theta_{t-1} - lr_t * r_t sqrt(1 - b2^t) / (1 - b1^t) * m_t / (sqrt(s_t) + eps)
///         otherwise: theta_t = theta_{t-1} - lr_t / (1 - b1^t) * m_t    (`degenerated_to_sgd`)
///     rectify false:
///         theta_t = theta_{t-1} - lr_t / (1 - b1^t) * m_t / (sqrt(s_t or s^_t) / sqrt(1 - b2^t) + eps)
///
/// with r_t RAdam's rectification (`RAdamRule`). Defaults (the package's): lr 0.001, b1 0.9,
/// b2 0.999, eps 1e-16, wd 0, decoupled, rectify, no amsgrad. Conventions kept from the package:
/// eps enters twice (in the state and in the denominator), and the rectified step reads s_t even
/// with amsgrad.
public final class AdaBeliefRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public let buffers: [StateBuffer<Scalar>]
    let beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double
    let decoupled: Bool, rectify: Bool, amsgrad: Bool

    public init(
        count: Int, beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, decoupled: Bool,
        rectify: Bool, amsgrad: Bool
    ) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        self.rectify = rectify
        self.amsgrad = amsgrad
        buffers =
            [StateBuffer(name: "exp_avg", count: count), StateBuffer(name: "exp_avg_var", count: count)]
            + (amsgrad ? [StateBuffer(name: "max_exp_avg_var", count: count)] : [])
    }

    /// r_t, or nil while N_t < 5: the package's threshold (RAdam's is N_t > 5), and its order of
    /// operations (not `RAdamRule.rectification`'s), so that the rounding follows the package.
    static func rectification(beta2: Double, step t: Int) -> Double? {
        let bc2 = 1 - pow(beta2, Double(t))
        let nInf = 2 / (1 - beta2) - 1
        let nT = nInf - 2 * Double(t) * pow(beta2, Double(t)) / bc2
        guard nT >= 5 else { return nil }
        return ((nT - 4) / (nInf - 4) * (nT - 2) / nT * nInf / (nInf - 2)).squareRoot()
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters p: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate lr: Double, step t: Int, count n: Int
    ) {
        let m = buffers[0].pointer, s = buffers[1].pointer
        let bc1 = 1 - pow(beta1, Double(t)), bc2 = 1 - pow(beta2, Double(t))
        let a1 = Scalar(beta1), c1 = Scalar(1 - beta1), a2 = Scalar(beta2), c2 = Scalar(1 - beta2)
        let coupled = Scalar(decoupled ? 0 : weightDecay), shrink = Scalar(decoupled ? 1 - lr * weightDecay : 1)
        let eps = Scalar(epsilon)
        let rectified = rectify ? Self.rectification(beta2: beta2, step: t) : nil
        let momentumStep = Scalar(lr / bc1)
        let rectifiedStep = Scalar(lr * (rectified ?? 0) * bc2.squareRoot() / bc1)
        let scale = Scalar(1 / bc2.squareRoot())
        /// m_t and s_t of coordinate i, stored; returns them.
        @inline(__always) func moments(_ i: Int) -> (m: Scalar, s: Scalar) {
            let gi = g[i] + coupled * p[i]
            let mi = a1 * m[i] + c1 * gi
            let residual = gi - mi
            let si = a2 * s[i] + c2 * residual * residual + eps
            m[i] = mi
            s[i] = si
            return (mi, si)
        }
        // One loop per case, so that each vectorizes.
        switch (rectify, rectified, amsgrad ? buffers[2].pointer : nil) {
        case (true, nil, _):
            for i in 0..<n {
                let (mi, _) = moments(i)
                p[i] = p[i] * shrink - momentumStep * mi
            }
        case (true, .some, _):
            for i in 0..<n {
                let (mi, si) = moments(i)
                p[i] = p[i] * shrink - rectifiedStep * mi / (si.squareRoot() + eps)
            }
        case (false, _, nil):
            for i in 0..<n {
                let (mi, si) = moments(i)
                p[i] = p[i] * shrink - momentumStep * mi / (si.squareRoot() * scale + eps)
            }
        case (false, _, let smax?):
            for i in 0..<n {
                let (mi, si) = moments(i)
                let wi = Swift.max(smax[i], si)
                smax[i] = wi
                p[i] = p[i] * shrink - momentumStep * mi / (wi.squareRoot() * scale + eps)
            }
        }
        // The rectified step does not read the maximum; amsgrad still keeps it.
        if rectify, amsgrad {
            let smax = buffers[2].pointer
            for i in 0..<n { smax[i] = Swift.max(smax[i], s[i]) }
        }
    }
}

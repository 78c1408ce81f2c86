import Foundation

/// RAdam (Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond"), the form of
/// `torch.optim.RAdam` (torch 2.13):
///
///     g_t <- g_t + wd * theta_{t-1}                      (weight decay, coupled: the default)
///     theta_{t-1} <- (1 - lr_t * wd) * theta_{t-1}        (decoupled-weight-decay: true, instead)
///     m_t = b1 * m_{t-1} + (1 - b1) * g_t;   v_t = b2 * v_{t-1} + (1 - b2) * g_t^2
///     rho_inf = 2 / (1 - b2) - 1;   rho_t = rho_inf - 2 t b2^t / (1 - b2^t)
///     rho_t > 5:  r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
///                 theta_t = theta_{t-1} - lr_t * m_t / (1 - b1^t) * r_t * sqrt(1 - b2^t) / (sqrt(v_t) + eps)
///     otherwise:  theta_t = theta_{t-1} - lr_t * m_t / (1 - b1^t)     (momentum SGD while the variance
///                                                                      estimate is too short to trust)
///
/// Defaults (PyTorch): lr 0.001, b1 0.9, b2 0.999, eps 1e-8, wd 0, coupled. With b2 = 0.999 the first
/// five steps are momentum steps (rho_t <= 5).
public final class RAdamRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public let buffers: [StateBuffer<Scalar>]
    let beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, decoupled: Bool

    public init(count: Int, beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, decoupled: Bool) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        buffers = [StateBuffer(name: "exp_avg", count: count), StateBuffer(name: "exp_avg_sq", count: count)]
    }

    /// The rectification r_t, or nil while rho_t <= 5.
    static func rectification(beta2: Double, step t: Int) -> Double? {
        let bc2 = 1 - pow(beta2, Double(t))
        let rhoInf = 2 / (1 - beta2) - 1
        let rho = rhoInf - 2 * Double(t) * pow(beta2, Double(t)) / bc2
        guard rho > 5 else { return nil }
        return ((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho)).squareRoot()
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters p: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate lr: Double, step t: Int, count n: Int
    ) {
        let m = buffers[0].pointer, v = buffers[1].pointer
        let bc1 = 1 - pow(beta1, Double(t)), bc2 = 1 - pow(beta2, Double(t))
        let a1 = Scalar(beta1), c1 = Scalar(1 - beta1), a2 = Scalar(beta2), c2 = Scalar(1 - beta2)
        let coupled = Scalar(decoupled ? 0 : weightDecay), shrink = Scalar(decoupled ? 1 - lr * weightDecay : 1)
        let eps = Scalar(epsilon)
        let rectified = Self.rectification(beta2: beta2, step: t)
        let momentumStep = Scalar(lr / bc1)
        let adaptiveStep = Scalar(lr / bc1 * (rectified ?? 0) * bc2.squareRoot())
        for i in 0..<n {
            let theta = p[i] * shrink
            let gi = g[i] + coupled * p[i]
            let mi = a1 * m[i] + c1 * gi
            let vi = a2 * v[i] + c2 * gi * gi
            m[i] = mi
            v[i] = vi
            p[i] = rectified == nil ? theta - momentumStep * mi : theta - adaptiveStep * mi / (vi.squareRoot() + eps)
        }
    }
}

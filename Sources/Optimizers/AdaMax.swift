import Foundation

/// AdaMax (Kingma & Ba 2015, Algorithm 2), the infinity-norm variant of Adam.
///
///     m_t = b1 * m_{t-1} + (1 - b1) * g_t
///     u_t = max(b2 * u_{t-1}, |g_t| + eps)                 epsilon-placement: inside (PyTorch; ours)
///     u_t = max(b2 * u_{t-1}, |g_t|), denominator u_t + eps   epsilon-placement: outside (Keras)
///     theta_t = theta_{t-1} - lr_t / (1 - b1^t) * m_t / u_t
///
/// Defaults: lr 0.002, b1 0.9, b2 0.999, eps 1e-8. The paper has no eps: u = 0 where every gradient
/// so far was 0, which gives 0/0. We follow PyTorch (eps inside the max) by default because it keeps
/// the step bounded by lr/(1-b1^t) exactly as the paper's analysis states (|m_t| <= u_t).
public final class AdaMaxRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public let buffers: [StateBuffer<Scalar>]
    let beta1: Double, beta2: Double, epsilon: Double
    let epsilonInside: Bool

    public init(count: Int, beta1: Double, beta2: Double, epsilon: Double, epsilonInside: Bool) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.epsilonInside = epsilonInside
        buffers = [StateBuffer(name: "exp_avg", count: count), StateBuffer(name: "exp_inf", count: count)]
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters p: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate lr: Double, step t: Int, count n: Int
    ) {
        let m = buffers[0].pointer, u = buffers[1].pointer
        let a1 = Scalar(beta1), c1 = Scalar(1 - beta1), a2 = Scalar(beta2)
        let step = Scalar(lr / (1 - pow(beta1, Double(t)))), eps = Scalar(epsilon)
        let inside = epsilonInside ? eps : 0, outside = epsilonInside ? 0 : eps
        for i in 0..<n {
            let gi = g[i]
            let mi = a1 * m[i] + c1 * gi
            let ui = Swift.max(a2 * u[i], gi.magnitude + inside)
            m[i] = mi
            u[i] = ui
            p[i] -= step * mi / (ui + outside)
        }
    }
}

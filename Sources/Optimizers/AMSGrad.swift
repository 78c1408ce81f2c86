import Foundation

/// AMSGrad (Reddi, Kale & Kumar 2018), PyTorch form (`Adam(amsgrad=True)`).
///
///     m_t = b1 * m_{t-1} + (1 - b1) * g_t
///     v_t = b2 * v_{t-1} + (1 - b2) * g_t^2
///     vmax_t = max(vmax_{t-1}, v_t)                     (maximum of the raw, uncorrected v)
///     theta_t = theta_{t-1} - lr_t / (1 - b1^t) * m_t / (sqrt(vmax_t) / sqrt(1 - b2^t) + eps)
///
/// Defaults: lr 0.001, b1 0.9, b2 0.999, eps 1e-8. The original paper has neither bias correction
/// nor eps; PyTorch and Keras keep both, and so do we.
public final class AMSGradRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public let buffers: [StateBuffer<Scalar>]
    let beta1: Double, beta2: Double, epsilon: Double

    public init(count: Int, beta1: Double, beta2: Double, epsilon: Double) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        buffers = [
            StateBuffer(name: "exp_avg", count: count), StateBuffer(name: "exp_avg_sq", count: count),
            StateBuffer(name: "max_exp_avg_sq", count: count),
        ]
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters p: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate lr: Double, step t: Int, count n: Int
    ) {
        let m = buffers[0].pointer, v = buffers[1].pointer, vmax = buffers[2].pointer
        let bc1 = 1 - pow(beta1, Double(t)), bc2 = 1 - pow(beta2, Double(t))
        let a1 = Scalar(beta1), c1 = Scalar(1 - beta1), a2 = Scalar(beta2), c2 = Scalar(1 - beta2)
        let step = Scalar(lr / bc1), scale = Scalar(1 / bc2.squareRoot()), eps = Scalar(epsilon)
        for i in 0..<n {
            let gi = g[i]
            let mi = a1 * m[i] + c1 * gi
            let vi = a2 * v[i] + c2 * gi * gi
            let wi = Swift.max(vmax[i], vi)
            m[i] = mi
            v[i] = vi
            vmax[i] = wi
            p[i] -= step * mi / (wi.squareRoot() * scale + eps)
        }
    }
}

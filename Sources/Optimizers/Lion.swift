/// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), the form of
/// `lion-pytorch` 0.2.5:
///
///     theta_{t-1} <- (1 - lr_t * wd) * theta_{t-1}        (decoupled weight decay, scaled by lr_t)
///     theta_t = theta_{t-1} - lr_t * sign(b1 * m_{t-1} + (1 - b1) * g_t)     (sign(0) = 0)
///     m_t = b2 * m_{t-1} + (1 - b2) * g_t
///
/// Defaults (the package's): lr 0.0001, b1 0.9, b2 0.99, wd 0. Every coordinate whose interpolated
/// momentum is non-zero moves by exactly lr_t (times the decay), whatever the gradient's scale; b2 is
/// the momentum's own decay, not a second-moment one.
public final class LionRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public let buffers: [StateBuffer<Scalar>]
    let beta1: Double, beta2: Double, weightDecay: Double

    public init(count: Int, beta1: Double, beta2: Double, weightDecay: Double) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.weightDecay = weightDecay
        buffers = [StateBuffer(name: "exp_avg", count: count)]
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters p: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate lr: Double, step t: Int, count n: Int
    ) {
        let m = buffers[0].pointer
        let a1 = Scalar(beta1), c1 = Scalar(1 - beta1), a2 = Scalar(beta2), c2 = Scalar(1 - beta2)
        let shrink = Scalar(1 - lr * weightDecay), step = Scalar(lr)
        for i in 0..<n {
            let gi = g[i]
            let interpolated = a1 * m[i] + c1 * gi
            let sign: Scalar = interpolated > 0 ? 1 : interpolated < 0 ? -1 : 0
            p[i] = p[i] * shrink - step * sign
            m[i] = a2 * m[i] + c2 * gi
        }
    }
}

import Foundation

/// NAdam (Dozat 2016): Adam with Nesterov momentum and a momentum warm-up schedule, PyTorch form.
///
///     mu_t = b1 * (1 - 0.5 * 0.96^(t * psi))            (psi = momentum-decay)
///     P_t = prod_{i<=t} mu_i
///     m_t = b1 * m_{t-1} + (1 - b1) * g_t;   v_t = b2 * v_{t-1} + (1 - b2) * g_t^2
///     d_t = sqrt(v_t / (1 - b2^t)) + eps
///     theta_t = theta_{t-1} - lr_t * (1 - mu_t) / (1 - P_t) * g_t / d_t
///                           - lr_t * mu_{t+1} / (1 - P_t * mu_{t+1}) * m_t / d_t
///
/// Defaults (PyTorch): lr 0.002, b1 0.9, b2 0.999, eps 1e-8, psi 0.004. Keras 3 uses 0.96^t, i.e.
/// psi = 1. The running product P_t is scalar state, saved with the checkpoint.
///
/// Convention: PyTorch keeps P_t in a float32 tensor whatever the parameters' dtype, so each factor
/// is rounded to float32 before the product (`P_t = fl32(fl32(P_{t-1}) * fl32(mu_t))`). We do the
/// same, which makes our float64 trajectories match torch.optim.NAdam to 1e-16 instead of ~1e-10;
/// the difference from exact arithmetic is below float32 resolution of the step size.
public final class NAdamRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public let buffers: [StateBuffer<Scalar>]
    let beta1: Double, beta2: Double, epsilon: Double, momentumDecay: Double
    var muProduct: Double = 1

    public var scalars: [Double] {
        get { [muProduct] }
        set { muProduct = newValue[0] }
    }

    public init(count: Int, beta1: Double, beta2: Double, epsilon: Double, momentumDecay: Double) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.momentumDecay = momentumDecay
        buffers = [StateBuffer(name: "exp_avg", count: count), StateBuffer(name: "exp_avg_sq", count: count)]
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters p: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate lr: Double, step t: Int, count n: Int
    ) {
        let m = buffers[0].pointer, v = buffers[1].pointer
        let mu = beta1 * (1 - 0.5 * pow(0.96, Double(t) * momentumDecay))
        let muNext = beta1 * (1 - 0.5 * pow(0.96, Double(t + 1) * momentumDecay))
        muProduct = Double(Float(muProduct) * Float(mu))
        let bc2 = 1 - pow(beta2, Double(t))
        let gradientStep = Scalar(lr * (1 - mu) / (1 - muProduct))
        let momentumStep = Scalar(lr * muNext / (1 - muProduct * muNext))
        let a1 = Scalar(beta1), c1 = Scalar(1 - beta1), a2 = Scalar(beta2), c2 = Scalar(1 - beta2)
        let correction2 = Scalar(bc2), eps = Scalar(epsilon)
        for i in 0..<n {
            let gi = g[i]
            let mi = a1 * m[i] + c1 * gi
            let vi = a2 * v[i] + c2 * gi * gi
            m[i] = mi
            v[i] = vi
            let d = (vi / correction2).squareRoot() + eps
            p[i] -= gradientStep * gi / d
            p[i] -= momentumStep * mi / d
        }
    }
}

/// RMSProp (Tieleman & Hinton 2012, lecture 6.5).
///
///     s_t = rho * s_{t-1} + (1 - rho) * g_t^2
///     theta_t = theta_{t-1} - lr_t * g_t / (sqrt(s_t) + eps)      epsilon-placement: outside (PyTorch)
///     theta_t = theta_{t-1} - lr_t * g_t / sqrt(s_t + eps)        epsilon-placement: inside (Keras)
///
/// Defaults: lr 0.001, rho 0.9 (Hinton's lecture, Keras; PyTorch uses 0.99), eps 1e-8 outside.
/// Not centered, no momentum.
public final class RMSPropRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public let buffers: [StateBuffer<Scalar>]
    let rho: Double
    let epsilon: Double
    let epsilonInside: Bool

    public init(count: Int, rho: Double, epsilon: Double, epsilonInside: Bool) {
        self.rho = rho
        self.epsilon = epsilon
        self.epsilonInside = epsilonInside
        buffers = [StateBuffer(name: "square_avg", count: count)]
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters p: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate: Double, step t: Int, count n: Int
    ) {
        let s = buffers[0].pointer
        let lr = Scalar(learningRate), eps = Scalar(epsilon)
        let decay = Scalar(rho), gain = Scalar(1 - rho)
        if epsilonInside {
            for i in 0..<n {
                let gi = g[i]
                let si = decay * s[i] + gain * gi * gi
                s[i] = si
                p[i] -= lr * gi / (si + eps).squareRoot()
            }
        } else {
            for i in 0..<n {
                let gi = g[i]
                let si = decay * s[i] + gain * gi * gi
                s[i] = si
                p[i] -= lr * gi / (si.squareRoot() + eps)
            }
        }
    }
}

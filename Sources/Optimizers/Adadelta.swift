/// AdaDelta (Zeiler 2012), PyTorch's order of operations.
///
///     s_t = rho * s_{t-1} + (1 - rho) * g_t^2
///     d_t = sqrt(u_{t-1} + eps) / sqrt(s_t + eps) * g_t
///     u_t = rho * u_{t-1} + (1 - rho) * d_t^2
///     theta_t = theta_{t-1} - lr_t * d_t
///
/// Defaults (Zeiler): lr 1.0, rho 0.95, eps 1e-6. PyTorch uses rho 0.9; Keras lr 0.001 (which makes
/// AdaDelta 1000x slower than the paper's).
public final class AdadeltaRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public let buffers: [StateBuffer<Scalar>]
    let rho: Double
    let epsilon: Double

    public init(count: Int, rho: Double, epsilon: Double) {
        self.rho = rho
        self.epsilon = epsilon
        buffers = [StateBuffer(name: "square_avg", count: count), StateBuffer(name: "acc_delta", count: count)]
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters p: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate: Double, step t: Int, count n: Int
    ) {
        let s = buffers[0].pointer, u = buffers[1].pointer
        let lr = Scalar(learningRate), eps = Scalar(epsilon)
        let decay = Scalar(rho), gain = Scalar(1 - rho)
        for i in 0..<n {
            let gi = g[i]
            let si = decay * s[i] + gain * gi * gi
            s[i] = si
            let d = (u[i] + eps).squareRoot() / (si + eps).squareRoot() * gi
            u[i] = decay * u[i] + gain * d * d
            p[i] -= lr * d
        }
    }
}

/// AdaGrad (Duchi, Hazan & Singer 2011).
///
///     s_t = s_{t-1} + g_t^2                          (s_0 = initial-accumulator)
///     theta_t = theta_{t-1} - lr_t * g_t / (sqrt(s_t) + eps)      epsilon-placement: outside
///     theta_t = theta_{t-1} - lr_t * g_t / sqrt(s_t + eps)        epsilon-placement: inside
///
/// Defaults (PyTorch): lr 0.01, eps 1e-10 outside the square root, s_0 = 0. Keras: s_0 = 0.1,
/// eps 1e-7 inside. The Adam paper's AdaGrad has no eps.
public final class AdagradRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public let buffers: [StateBuffer<Scalar>]
    let epsilon: Double
    let epsilonInside: Bool

    public init(count: Int, epsilon: Double, initialAccumulator: Double, epsilonInside: Bool) {
        self.epsilon = epsilon
        self.epsilonInside = epsilonInside
        buffers = [StateBuffer(name: "sum", count: count, initialValue: Scalar(initialAccumulator))]
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters p: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate: Double, step t: Int, count n: Int
    ) {
        let s = buffers[0].pointer
        let lr = Scalar(learningRate), eps = Scalar(epsilon)
        if epsilonInside {
            for i in 0..<n {
                let gi = g[i]
                let si = s[i] + gi * gi
                s[i] = si
                p[i] -= lr * gi / (si + eps).squareRoot()
            }
        } else {
            for i in 0..<n {
                let gi = g[i]
                let si = s[i] + gi * gi
                s[i] = si
                p[i] -= lr * gi / (si.squareRoot() + eps)
            }
        }
    }
}

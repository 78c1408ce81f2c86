/// Plain stochastic gradient descent.
///
///     theta_t = theta_{t-1} - lr_t * g_t
///
/// Default lr 0.01 (PyTorch). No state.
public final class SGDRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public let buffers: [StateBuffer<Scalar>] = []

    public init() {}

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters p: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate: Double, step t: Int, count n: Int
    ) {
        let lr = Scalar(learningRate)
        for i in 0..<n { p[i] -= lr * g[i] }
    }
}

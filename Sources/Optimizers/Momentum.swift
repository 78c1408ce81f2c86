/// SGD with heavy-ball momentum, PyTorch form (`torch.optim.SGD(momentum=mu)`, dampening 0).
///
///     b_1 = g_1;   b_t = mu * b_{t-1} + g_t   (t > 1)
///     theta_t = theta_{t-1} - lr_t * b_t
///
/// Defaults: lr 0.01, momentum 0.9. Convention: the learning rate multiplies the buffer at use time
/// (PyTorch). Keras keeps lr inside the velocity (`v = mu*v - lr*g`): the same iterates under a
/// constant lr, different ones under a schedule. Polyak (1964).
///
/// With `nesterov: true`, Nesterov's accelerated gradient in PyTorch's form:
///
///     b_t = mu * b_{t-1} + g_t;   theta_t = theta_{t-1} - lr_t * (g_t + mu * b_t)
///
/// which is Sutskever et al. (2013)'s formulation rewritten in terms of the look-ahead parameters.
/// The paper's experiments use mu = 0.9.
public final class MomentumRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public let buffers: [StateBuffer<Scalar>]
    let momentum: Double
    /// Nesterov's variant (see `nesterov`).
    let nesterov: Bool

    public init(count: Int, momentum: Double, nesterov: Bool) {
        self.momentum = momentum
        self.nesterov = nesterov
        buffers = [StateBuffer(name: "momentum_buffer", count: count)]
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters p: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate: Double, step t: Int, count n: Int
    ) {
        let b = buffers[0].pointer
        let lr = Scalar(learningRate)
        // PyTorch sets b_1 = g_1; since the buffer starts at 0, mu*0 + g_1 == g_1 exactly, so one
        // formula serves every step.
        let mu = Scalar(momentum)
        if nesterov {
            for i in 0..<n {
                let gi = g[i]
                let bi = mu * b[i] + gi
                b[i] = bi
                p[i] -= lr * (gi + mu * bi)
            }
        } else {
            for i in 0..<n {
                let bi = mu * b[i] + g[i]
                b[i] = bi
                p[i] -= lr * bi
            }
        }
    }
}

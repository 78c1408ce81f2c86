import Foundation

/// Schedule-Free AdamW (Defazio et al. 2024, "The Road Less Scheduled"), the form of
/// `schedulefree.AdamWScheduleFree` 1.4.1. It keeps two sequences: z_t, the base iterate stepped by
/// the normalized gradient, and y_t, the point where gradients are taken (the reference's "train
/// mode" parameters, the ones this rule updates in place). The model is evaluated at the average
/// x_t (the reference's "eval mode" parameters), which `writeEvaluationPoint` gives.
///
///     k = t - 1;  s_t = (k + 1) / W while k < W, else 1      (W = warmup-steps; lr_t the schedule's)
///     gamma_t = lr_t * s_t;   gamma_max = max(gamma_max, gamma_t)
///     w_t = (k + 1)^r * gamma_max^p;   W_t = W_{t-1} + w_t;   c_t = w_t / W_t   (0 when W_t = 0)
///     v_t = b2 * v_{t-1} + (1 - b2) * g_t^2
///     u_t = g_t / (sqrt(v_t / (1 - b2^t)) + eps) + wd * y_{t-1}
///     y_t = lerp(y_{t-1}, z_{t-1}, c_t) + gamma_t * (b1 (1 - c_t) - 1) * u_t
///     z_t = z_{t-1} - gamma_t * u_t
///     x_t = lerp(y_t, z_t, 1 - 1/b1)                          (the evaluation point)
///
/// with z_0 = y_0 (the initial parameters) and lerp(a, b, w) = a + w (b - a) computed as torch does
/// (`torchLerp`). Defaults (the package's): lr 0.0025, b1 0.9, b2 0.999,
/// eps 1e-8, wd 0, W 0, r 0, p (weight-lr-power) 2. Scalar state: gamma_max (-1 before the first
/// step) and W_t.
public final class ScheduleFreeAdamWRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public let buffers: [StateBuffer<Scalar>]
    let beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double
    let warmupSteps: Int, r: Double, weightLRPower: Double
    var gammaMax: Double = -1
    var weightSum: Double = 0

    public var scalars: [Double] {
        get { [gammaMax, weightSum] }
        set { (gammaMax, weightSum) = (newValue[0], newValue[1]) }
    }

    public init(
        count: Int, beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, warmupSteps: Int,
        r: Double, weightLRPower: Double
    ) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.warmupSteps = warmupSteps
        self.r = r
        self.weightLRPower = weightLRPower
        buffers = [StateBuffer(name: "z", count: count), StateBuffer(name: "exp_avg_sq", count: count)]
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters y: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate lr: Double, step t: Int, count n: Int
    ) {
        let z = buffers[0].pointer, v = buffers[1].pointer
        if t == 1 { z.update(from: y, count: n) }
        let k = t - 1
        let gamma = lr * (k < warmupSteps ? Double(k + 1) / Double(warmupSteps) : 1)
        gammaMax = Swift.max(gamma, gammaMax)
        let weight = pow(Double(k + 1), r) * pow(gammaMax, weightLRPower)
        weightSum += weight
        let c = weightSum == 0 ? 0 : weight / weightSum
        let bc2 = 1 - pow(beta2, Double(t))
        let a2 = Scalar(beta2), c2 = Scalar(1 - beta2), eps = Scalar(epsilon), decay = Scalar(weightDecay)
        let scale = Scalar(bc2), interpolation = Scalar(c)
        let yStep = Scalar(gamma * (beta1 * (1 - c) - 1)), zStep = Scalar(gamma)
        for i in 0..<n {
            let gi = g[i]
            let vi = a2 * v[i] + c2 * gi * gi
            v[i] = vi
            let u = gi / ((vi / scale).squareRoot() + eps) + decay * y[i]
            y[i] = torchLerp(y[i], z[i], interpolation) + yStep * u
            z[i] -= zStep * u
        }
    }
}

extension ScheduleFreeAdamWRule: EvaluationPointRule {
    /// x = lerp(y, z, 1 - 1/b1): the reference's `optimizer.eval()` parameters. Before the first
    /// step (z not yet set) the parameters themselves.
    public func writeEvaluationPoint(
        from y: UnsafePointer<Scalar>, into x: UnsafeMutablePointer<Scalar>, step t: Int, count n: Int
    ) {
        guard t > 0 else {
            x.update(from: y, count: n)
            return
        }
        let z = buffers[0].pointer, w = Scalar(1 - 1 / beta1)
        for i in 0..<n { x[i] = torchLerp(y[i], z[i], w) }
    }
}

import COptimizerKernels
import Foundation

/// Adam (Kingma & Ba 2015, Algorithm 1), with the framework conventions as explicit options.
/// It also serves AdamW (`decoupledWeightDecay > 0`).
///
///     b1_t = b1 * lambda^(t-1)                       (lambda = beta1-decay, 1 = off: the final paper)
///     m_t = b1_t * m_{t-1} + (1 - b1_t) * g_t
///     v_t = b2 * v_{t-1} + (1 - b2) * g_t^2
///
/// `epsilon-mode: paper` (Algorithm 1, PyTorch):
///
///     mhat = m_t / (1 - b1^t);  vhat = v_t / (1 - b2^t)
///     theta_t = theta_{t-1} - lr_t * mhat / (sqrt(vhat) + eps)
///
/// `epsilon-mode: hat` (Section 2's efficient form as TensorFlow, Keras, Lasagne, Caffe, MXNet and
/// Torch7 implement it, with a constant eps-hat; equal to Algorithm 1 only if eps-hat = eps*sqrt(1-b2^t)):
///
///     lr'_t = lr_t * sqrt(1 - b2^t) / (1 - b1^t)
///     theta_t = theta_{t-1} - lr'_t * m_t / (sqrt(v_t) + eps)
///
/// `bias-correction: false` drops both (1 - b^t) factors (Section 6.4: "RMSProp with momentum").
/// Defaults: lr 0.001, b1 0.9, b2 0.999, eps 1e-8, paper mode, bias correction on, lambda 1.
///
/// AdamW (Loshchilov & Hutter 2019): before the Adam step, `theta *= 1 - s_t * wd`, with s_t = lr_t
/// (`weight-decay-mode: lr-scaled`, PyTorch and Keras) or s_t = lr_t / lr, the schedule multiplier
/// alone (`unscaled`, the AdamW paper's eta_t).
public final class AdamRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public typealias EpsilonMode = AdamEpsilonMode

    public let buffers: [StateBuffer<Scalar>]
    let beta1: Double, beta2: Double, epsilon: Double
    let epsilonMode: EpsilonMode
    let biasCorrection: Bool
    let beta1Decay: Double
    let weightDecay: Double
    /// For the unscaled AdamW decay, the schedule whose multiplier eta_t scales it; nil = lr-scaled.
    let unscaledDecaySchedule: ScheduledLearningRate?

    public init(
        count: Int, beta1: Double, beta2: Double, epsilon: Double, epsilonMode: EpsilonMode = .paper,
        biasCorrection: Bool = true, beta1Decay: Double = 1, weightDecay: Double = 0,
        unscaledDecaySchedule: ScheduledLearningRate? = nil
    ) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.epsilonMode = epsilonMode
        self.biasCorrection = biasCorrection
        self.beta1Decay = beta1Decay
        self.weightDecay = weightDecay
        self.unscaledDecaySchedule = unscaledDecaySchedule
        buffers = [StateBuffer(name: "exp_avg", count: count), StateBuffer(name: "exp_avg_sq", count: count)]
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters p: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate lr: Double, step t: Int, count n: Int
    ) {
        let m = buffers[0].pointer, v = buffers[1].pointer
        let b1t = beta1Decay == 1 ? beta1 : beta1 * pow(beta1Decay, Double(t - 1))
        let bc1 = biasCorrection ? 1 - pow(beta1, Double(t)) : 1
        let bc2 = biasCorrection ? 1 - pow(beta2, Double(t)) : 1
        // theta -= stepSize * m / (sqrt(v) * denominatorScale + eps)
        let stepSize: Double, denominatorScale: Double
        switch epsilonMode {
        case .paper:
            stepSize = lr / bc1
            denominatorScale = 1 / bc2.squareRoot()
        case .hat:
            stepSize = lr * bc2.squareRoot() / bc1
            denominatorScale = 1
        }
        let decayScale = unscaledDecaySchedule.map { $0.learningRate(base: 1, step: t) } ?? lr
        let keep = Scalar(1 - decayScale * weightDecay)
        let a1 = Scalar(b1t), c1 = Scalar(1 - b1t), a2 = Scalar(beta2), c2 = Scalar(1 - beta2)
        let step = Scalar(stepSize), scale = Scalar(denominatorScale), eps = Scalar(epsilon)
        if Scalar.self == Float.self {
            // The same loop in C, vectorized for the widest instruction set of this CPU (AVX-512 here).
            p.withMemoryRebound(to: Float.self, capacity: n) { p in
                g.withMemoryRebound(to: Float.self, capacity: n) { g in
                    m.withMemoryRebound(to: Float.self, capacity: n) { m in
                        v.withMemoryRebound(to: Float.self, capacity: n) { v in
                            adambench_adam_step_f32(
                                p, g, m, v, n, Float(a1), Float(c1), Float(a2), Float(c2), Float(step), Float(scale),
                                Float(eps), Float(keep))
                        }
                    }
                }
            }
            return
        }
        for i in 0..<n {
            let gi = g[i]
            let mi = a1 * m[i] + c1 * gi
            let vi = a2 * v[i] + c2 * gi * gi
            m[i] = mi
            v[i] = vi
            p[i] = p[i] * keep - step * mi / (vi.squareRoot() * scale + eps)
        }
    }
}

/// Where Adam adds epsilon (`AdamRule`'s `epsilon-mode`): `paper`, to sqrt(vhat) (Algorithm 1);
/// `hat`, to sqrt(v_t) with the bias corrections folded into the step size (Section 2's eps-hat).
public enum AdamEpsilonMode: String, Sendable, CaseIterable { case paper, hat }

import Foundation

/// Temporal averaging of the parameters (Section 7.2): an exponential moving average with bias
/// correction,
///
///     avg_t = d * avg_{t-1} + (1 - d) * theta_t;    avg_hat_t = avg_t / (1 - d^t)
///
/// with d = beta2 for optimizers that have one (as the paper suggests), else `average-decay`.
public final class ParameterAverage<Scalar: BinaryFloatingPoint> {
    public let decay: Double
    let buffer: StateBuffer<Scalar>

    public init(count: Int, decay: Double) {
        self.decay = decay
        buffer = StateBuffer(name: "parameter_average", count: count)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func accumulate(_ p: UnsafePointer<Scalar>, count n: Int) {
        let a = buffer.pointer
        let d = Scalar(decay), c = Scalar(1 - decay)
        for i in 0..<n { a[i] = d * a[i] + c * p[i] }
    }

    /// Writes avg_hat_t into `destination` (t >= 1; at t = 0 there is no average yet).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func write(step t: Int, into destination: UnsafeMutablePointer<Scalar>, count n: Int) {
        let a = buffer.pointer
        let scale = Scalar(1 / (1 - pow(decay, Double(t))))
        for i in 0..<n { destination[i] = a[i] * scale }
    }
}

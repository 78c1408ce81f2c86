import Foundation

/// Adafactor (Shazeer & Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory
/// Cost"), the form of `torch.optim.Adafactor` (torch 2.13). Each tensor of the model (the flat
/// buffer's views; one vector when there is no layout) is updated on its own; a tensor of two or
/// more dimensions [..., R, C] keeps row and column statistics of its last two dimensions instead
/// of a full second moment:
///
///     b2_t = 1 - t^c                                   (c = beta2-decay, -0.8)
///     rho_t = min(lr_t, 1 / sqrt(t));   alpha_t = max(eps2, RMS(theta_{t-1})) * rho_t
///     theta_{t-1} <- (1 - lr_t * wd) * theta_{t-1}
///     matrix:  R_t = lerp(R_{t-1}, mean_c g^2, t^c)   (per row),   C_t = lerp(C_{t-1}, mean_r g^2, t^c)
///              V_t = R_t C_t / max(mean_r R_t, eps1)
///     vector:  V_t = lerp(V_{t-1}, g^2, t^c)
///     U_t = g_t / sqrt(max(V_t, eps1^2));   theta_t = theta_{t-1} - alpha_t / max(1, RMS(U_t) / d) * U_t
///
/// with RMS(x) = ||x|| / sqrt(n) over the tensor and d the clip threshold. Defaults (PyTorch): lr
/// 0.01, beta2-decay -0.8, eps1 the machine epsilon of the arithmetic (PyTorch's `eps=(None, ...)`;
/// `epsilon1: 0` asks for it), eps2 0.001, d 1, wd 0. No first moment.
///
/// Convention: the factorization follows each view's shape as AdamBench lays it out: a dense weight
/// is [inputs, outputs] (PyTorch's is its transpose: the same estimate, up to rounding), a
/// convolution kernel [kh, kw, in, out] (factored over in x out per kernel position, where PyTorch's
/// [out, in, kh, kw] factors over kh x kw).
public final class AdafactorRule<Scalar: BinaryFloatingPoint>: UpdateRule {
    public let buffers: [StateBuffer<Scalar>]
    let shapes: [[Int]]
    let beta2Decay: Double, epsilon1: Double, epsilon2: Double, clipThreshold: Double, weightDecay: Double
    /// The update of the tensor being processed, then room for its column sums.
    let scratch: UnsafeMutablePointer<Scalar>

    /// `shapes` partitions the `count` parameters into tensors, in order (checked by callers).
    public init(
        count: Int, shapes: [[Int]], beta2Decay: Double, epsilon1: Double?, epsilon2: Double,
        clipThreshold: Double, weightDecay: Double
    ) {
        precondition(
            shapes.map { $0.reduce(1, *) }.reduce(0, +) == count, "Adafactor: shapes do not partition the parameters")
        self.shapes = shapes
        self.beta2Decay = beta2Decay
        self.epsilon1 = epsilon1 ?? Double(Scalar.ulpOfOne)
        self.epsilon2 = epsilon2
        self.clipThreshold = clipThreshold
        self.weightDecay = weightDecay
        var rows = 0, columns = 0, vectors = 0
        for shape in shapes {
            if shape.count >= 2 {
                let batch = shape.dropLast(2).reduce(1, *)
                rows += batch * shape[shape.count - 2]
                columns += batch * shape[shape.count - 1]
            } else {
                vectors += shape.reduce(1, *)
            }
        }
        buffers = [
            StateBuffer(name: "row_var", count: rows), StateBuffer(name: "col_var", count: columns),
            StateBuffer(name: "variance", count: vectors),
        ]
        // Room for the largest tensor's update plus its column sums.
        let largest = shapes.map { $0.reduce(1, *) + ($0.count >= 2 ? $0[$0.count - 1] : 0) }.max() ?? 1
        scratch = .allocate(capacity: max(1, largest))
    }

    deinit { scratch.deallocate() }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func rms(_ x: UnsafePointer<Scalar>, _ n: Int) -> Double {
        // Eight partial sums (in Double): independent chains, so the pass is not latency-bound.
        var lanes = SIMD8<Double>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            for k in 0..<8 { lanes[k] += Double(x[i + k]) * Double(x[i + k]) }
            i += 8
        }
        var sum = lanes.sum()
        while i < n {
            sum += Double(x[i]) * Double(x[i])
            i += 1
        }
        return sum.squareRoot() / Double(n).squareRoot()
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(
        parameters p: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
        learningRate lr: Double, step t: Int, count n: Int
    ) {
        let weight = Scalar(pow(Double(t), beta2Decay))
        let rho = min(lr, 1 / Double(t).squareRoot())
        let floor1 = Scalar(epsilon1), floor2 = Scalar(epsilon1 * epsilon1), shrink = Scalar(1 - lr * weightDecay)
        var offset = 0, rowOffset = 0, columnOffset = 0, vectorOffset = 0
        for shape in shapes {
            let size = shape.reduce(1, *)
            let theta = p + offset, grad = g + offset, u = scratch
            let alpha = max(epsilon2, Self.rms(theta, size)) * rho
            if shape.count >= 2 {
                let rows = shape[shape.count - 2], columns = shape[shape.count - 1]
                let batch = size / (rows * columns)
                for b in 0..<batch {
                    let gb = grad + b * rows * columns, ub = u + b * rows * columns
                    let r = buffers[0].pointer + rowOffset + b * rows
                    let c = buffers[1].pointer + columnOffset + b * columns
                    // Row and column sums of g^2 in one row-major pass (the column sums in the
                    // scratch's tail: each in increasing row order, as a column-wise sum would be).
                    let columnSums = u + rows * columns * batch
                    columnSums.initialize(repeating: 0, count: columns)
                    for i in 0..<rows {
                        var sum: Scalar = 0
                        for j in 0..<columns {
                            let square = gb[i * columns + j] * gb[i * columns + j]
                            sum += square
                            columnSums[j] += square
                        }
                        r[i] = torchLerp(r[i], sum / Scalar(columns), weight)
                    }
                    for j in 0..<columns { c[j] = torchLerp(c[j], columnSums[j] / Scalar(rows), weight) }
                    var rowSum: Scalar = 0
                    for i in 0..<rows { rowSum += r[i] }
                    let rowMean = Swift.max(rowSum / Scalar(rows), floor1)
                    for i in 0..<rows {
                        for j in 0..<columns {
                            let v = Swift.max(r[i] * c[j] / rowMean, floor2)
                            ub[i * columns + j] = gb[i * columns + j] / v.squareRoot()
                        }
                    }
                }
                rowOffset += batch * rows
                columnOffset += batch * columns
            } else {
                let v = buffers[2].pointer + vectorOffset
                for i in 0..<size {
                    v[i] = torchLerp(v[i], grad[i] * grad[i], weight)
                    u[i] = grad[i] / Swift.max(v[i], floor2).squareRoot()
                }
                vectorOffset += size
            }
            // The decay applies to the parameters before the step (the estimate above does not read them).
            let step = Scalar(alpha / max(1, Self.rms(u, size) / clipThreshold))
            for i in 0..<size { theta[i] = theta[i] * shrink - step * u[i] }
            offset += size
        }
    }
}

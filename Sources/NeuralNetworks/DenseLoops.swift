/// The element-by-element forms of the dense layers' memory-bound passes. Float64 runs these; Float32
/// runs the vectorized kernels of CNeuralKernels (DenseKernels.c), which the tests hold to these forms
/// bit for bit.
extension NNScalar {
    /// y = max(y + b, 0) * mask, row by row: the ReLU followed by a dropout mask.
    public static func elementwiseAddBiasReLUMask(
        _ y: UnsafeMutablePointer<Self>, bias b: UnsafePointer<Self>, mask: UnsafePointer<Self>,
        rows: Int, columns: Int
    ) {
        for r in 0..<rows {
            let row = y + r * columns, m = mask + r * columns
            for j in 0..<columns { row[j] = Swift.max(row[j] + b[j], 0) * m[j] }
        }
    }

    /// dy = dy * [y > 0], in place (y is the ReLU's output).
    public static func elementwiseReLUBackward(
        _ dy: UnsafeMutablePointer<Self>, output y: UnsafePointer<Self>, count: Int
    ) {
        for i in 0..<count { dy[i] = y[i] > 0 ? dy[i] : 0 }
    }

    /// dy = dy * mask * [y > 0], in place, where y = mask * relu(x) is the stored output.
    public static func elementwiseMaskedReLUBackward(
        _ dy: UnsafeMutablePointer<Self>, output y: UnsafePointer<Self>,
        mask: UnsafePointer<Self>, count: Int
    ) {
        for i in 0..<count { dy[i] = y[i] > 0 ? dy[i] * mask[i] : 0 }
    }

    /// out[j] = sum over the rows, in order, of m[r, j].
    public static func elementwiseColumnSums(
        _ m: UnsafePointer<Self>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Self>
    ) {
        out.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let row = m + r * columns
            for j in 0..<columns { out[j] += row[j] }
        }
    }
}

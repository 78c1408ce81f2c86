/// A fully connected layer, y = x W + b, row-major: x is batch x inputs, W inputs x outputs.
///
/// Backward: dW = x^T dy, db = sum over the batch of dy, dx = dy W^T (all by sgemm/dgemm).
struct Dense<T: NNScalar> {
    let inputs: Int
    let outputs: Int
    let weight: ParameterView
    let bias: ParameterView

    init(_ name: String, inputs: Int, outputs: Int, initialization: Initialization, layout: inout ParameterLayout) {
        self.inputs = inputs
        self.outputs = outputs
        weight = layout.add("\(name).weight", shape: [inputs, outputs], initialization: initialization, fanIn: inputs, fanOut: outputs)
        bias = layout.add("\(name).bias", shape: [outputs], initialization: .zero)
    }

    /// y = x W + b, then (fused in the same pass over y) ReLU and a dropout mask when given.
    func forward(_ x: UnsafePointer<T>, batch: Int, parameters p: UnsafePointer<T>, output y: UnsafeMutablePointer<T>,
                 relu: Bool = false, dropoutMask: UnsafePointer<T>? = nil) {
        T.gemm(transposeA: false, transposeB: false, m: batch, n: outputs, k: inputs, alpha: 1,
               a: x, lda: inputs, b: p + weight.offset, ldb: outputs, beta: 0, c: y, ldc: outputs)
        let b = p + bias.offset
        for r in 0..<batch {
            let row = y + r * outputs
            switch (relu, dropoutMask) {
            case (false, _): for j in 0..<outputs { row[j] += b[j] }
            case (true, nil): for j in 0..<outputs { row[j] = Swift.max(row[j] + b[j], 0) }
            case (true, let mask?):
                let m = mask + r * outputs
                for j in 0..<outputs { row[j] = Swift.max(row[j] + b[j], 0) * m[j] }
            }
        }
    }

    /// Writes dW and db into `gradients`; writes dx when `inputGradient` is given.
    func backward(_ x: UnsafePointer<T>, outputGradient dy: UnsafePointer<T>, batch: Int, parameters p: UnsafePointer<T>,
                  gradients g: UnsafeMutablePointer<T>, inputGradient dx: UnsafeMutablePointer<T>?) {
        T.gemm(transposeA: true, transposeB: false, m: inputs, n: outputs, k: batch, alpha: 1,
               a: x, lda: inputs, b: dy, ldb: outputs, beta: 0, c: g + weight.offset, ldc: outputs)
        columnSums(dy, rows: batch, columns: outputs, into: g + bias.offset)
        if let dx {
            T.gemm(transposeA: false, transposeB: true, m: batch, n: inputs, k: outputs, alpha: 1,
                   a: dy, lda: outputs, b: p + weight.offset, ldb: outputs, beta: 0, c: dx, ldc: inputs)
        }
    }

    var flopsPerExample: Double { 2 * Double(inputs * outputs) }
}

/// out[j] = sum_r m[r, j].
func columnSums<T: NNScalar>(_ m: UnsafePointer<T>, rows: Int, columns: Int, into out: UnsafeMutablePointer<T>) {
    out.update(repeating: 0, count: columns)
    for r in 0..<rows {
        let row = m + r * columns
        for j in 0..<columns { out[j] += row[j] }
    }
}

import Vocabulary

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
        weight = layout.add(
            "\(name).weight", shape: [inputs, outputs], initialization: initialization, fanIn: inputs, fanOut: outputs)
        bias = layout.add("\(name).bias", shape: [outputs], initialization: .zero)
    }

    /// y = x W + b, then (fused in the same pass over y) ReLU and a dropout mask when given.
    func forward(
        _ x: UnsafePointer<T>, batch: Int, parameters p: UnsafePointer<T>, output y: UnsafeMutablePointer<T>,
        relu: Bool = false, dropoutMask: UnsafePointer<T>? = nil
    ) {
        product(
            transposeA: false, transposeB: false, m: batch, n: outputs, k: inputs,
            a: x, lda: inputs, b: p + weight.offset, ldb: outputs, c: y, ldc: outputs)
        let b = p + bias.offset
        switch (relu, dropoutMask) {
        case (true, nil):
            T.addBiasReLU(y, bias: b, rows: batch, columns: outputs)
        case (true, let mask?):
            T.addBiasReLUMask(y, bias: b, mask: mask, rows: batch, columns: outputs)
        case (false, _):
            for r in 0..<batch {
                let row = y + r * outputs
                for j in 0..<outputs { row[j] += b[j] }
            }
        }
    }

    /// Writes dW and db into `gradients`; writes dx when `inputGradient` is given.
    func backward(
        _ x: UnsafePointer<T>, outputGradient dy: UnsafePointer<T>, batch: Int, parameters p: UnsafePointer<T>,
        gradients g: UnsafeMutablePointer<T>, inputGradient dx: UnsafeMutablePointer<T>?
    ) {
        product(
            transposeA: true, transposeB: false, m: inputs, n: outputs, k: batch,
            a: x, lda: inputs, b: dy, ldb: outputs, c: g + weight.offset, ldc: outputs)
        T.columnSums(dy, rows: batch, columns: outputs, into: g + bias.offset)
        if let dx {
            product(
                transposeA: false, transposeB: true, m: batch, n: inputs, k: outputs,
                a: dy, lda: outputs, b: p + weight.offset, ldb: outputs, c: dx, ldc: inputs)
        }
    }

    /// C = op(A) op(B).
    @inline(__always)
    private func product(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<T>, lda: Int,
        b: UnsafePointer<T>, ldb: Int, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        T.gemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
            a: a, lda: lda, b: b, ldb: ldb, beta: 0, c: c, ldc: ldc)
    }

    var flopsPerExample: Double { 2 * Double(inputs * outputs) }
}

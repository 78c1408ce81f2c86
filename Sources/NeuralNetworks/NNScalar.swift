import CNeuralKernels
import COpenBLAS
import Foundation

/// The element types the engine computes in: Float32 for training (sgemm), Float64 for exactness
/// checks (dgemm). Each supplies its BLAS routines and the scalar functions the layers need.
public protocol NNScalar: BinaryFloatingPoint & SIMDScalar & Sendable & Codable {
    /// C = alpha * op(A) * op(B) + beta * C, row-major; op(X) = X or X^T. A is m x k after op,
    /// B is k x n after op, C is m x n.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self

    // Bulk smooth nonlinearities: Float32 through the vectorized kernels of CNeuralKernels (a few
    // ulp), Float64 element by element with the libm functions (for the gradient checks).
    /// y = softplus(x) = max(x, 0) + log1p(exp(-|x|)).
    static func softplus(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int)
    /// dy *= sigmoid(x).
    static func scaleBySigmoid(_ dy: UnsafeMutablePointer<Self>, of x: UnsafePointer<Self>, count: Int)
    /// sum_i [softplus(l_i) - l_i t_i]: Bernoulli cross-entropy with logits, summed.
    static func crossEntropyWithLogitsSum(
        _ l: UnsafePointer<Self>, targets t: UnsafePointer<Self>, count: Int
    ) -> Double
    /// l = (sigmoid(l) - t) * scale, in place.
    static func crossEntropyWithLogitsGradient(
        _ l: UnsafeMutablePointer<Self>, targets t: UnsafePointer<Self>, scale: Self, count: Int)

    // The CNN's memory-bound passes over NHWC activations (addBiasReLU serves the dense layers too):
    // Float32 through CNeuralKernels, Float64 by the element-by-element forms (ConvolutionLoops.swift,
    // which document them); the same bits.
    static func im2col(
        _ x: UnsafePointer<Self>, images: Int, height: Int, width: Int, channels: Int, kernel: Int,
        into col: UnsafeMutablePointer<Self>)
    static func col2imAdd(
        _ dcol: UnsafePointer<Self>, images: Int, height: Int, width: Int, channels: Int, kernel: Int,
        into dx: UnsafeMutablePointer<Self>)
    static func maxPool(
        _ x: UnsafePointer<Self>, batch: Int, height: Int, width: Int, channels: Int, window: Int, stride: Int,
        padding: Int, into y: UnsafeMutablePointer<Self>, argmax: UnsafeMutablePointer<Int32>)
    static func addBiasReLU(_ y: UnsafeMutablePointer<Self>, bias: UnsafePointer<Self>, rows: Int, columns: Int)
    static func reluBackwardWithBiasGradient(
        _ dy: UnsafeMutablePointer<Self>, output y: UnsafePointer<Self>,
        biasGradient: UnsafeMutablePointer<Self>, rows: Int, columns: Int)

    // The dense layers' passes, likewise (DenseLoops.swift documents them).
    static func addBiasReLUMask(
        _ y: UnsafeMutablePointer<Self>, bias: UnsafePointer<Self>, mask: UnsafePointer<Self>, rows: Int, columns: Int)
    static func reluBackward(_ dy: UnsafeMutablePointer<Self>, output y: UnsafePointer<Self>, count: Int)
    static func maskedReLUBackward(
        _ dy: UnsafeMutablePointer<Self>, output y: UnsafePointer<Self>, mask: UnsafePointer<Self>, count: Int)
    static func columnSums(_ m: UnsafePointer<Self>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Self>)
}

extension NNScalar {
    /// The element-by-element forms (Float64; and the reference the Float32 kernels are tested against).
    public static func elementwiseSoftplus(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count {
            let v = x[i]
            y[i] = Swift.max(v, 0) + log1p(exp(-v.magnitude))
        }
    }
    public static func elementwiseScaleBySigmoid(
        _ dy: UnsafeMutablePointer<Self>, of x: UnsafePointer<Self>, count: Int
    ) {
        for i in 0..<count { dy[i] *= sigmoid(x[i]) }
    }
    public static func elementwiseCrossEntropyWithLogitsSum(
        _ l: UnsafePointer<Self>, targets t: UnsafePointer<Self>, count: Int
    ) -> Double {
        var sum = Self(0)
        for i in 0..<count { sum += Swift.max(l[i], 0) - l[i] * t[i] + log1p(exp(-l[i].magnitude)) }
        return Double(sum)
    }
    public static func elementwiseCrossEntropyWithLogitsGradient(
        _ l: UnsafeMutablePointer<Self>, targets t: UnsafePointer<Self>, scale: Self, count: Int
    ) {
        for i in 0..<count { l[i] = (sigmoid(l[i]) - t[i]) * scale }
    }
    @inline(__always)
    static func sigmoid(_ x: Self) -> Self {
        x >= 0
            ? 1 / (1 + exp(-x))
            : {
                let e = exp(x)
                return e / (1 + e)
            }()
    }
}

extension Float: NNScalar {
    @inline(__always)
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inline(__always) public static func exp(_ x: Float) -> Float { Foundation.expf(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { Foundation.logf(x) }
    @inline(__always) public static func log1p(_ x: Float) -> Float { Foundation.log1pf(x) }
    public static func softplus(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        adambench_softplus_f32(x, y, count)
    }
    public static func scaleBySigmoid(_ dy: UnsafeMutablePointer<Float>, of x: UnsafePointer<Float>, count: Int) {
        adambench_scale_by_sigmoid_f32(dy, x, count)
    }
    public static func crossEntropyWithLogitsSum(
        _ l: UnsafePointer<Float>, targets t: UnsafePointer<Float>, count: Int
    ) -> Double {
        adambench_bce_logits_sum_f32(l, t, count)
    }
    public static func crossEntropyWithLogitsGradient(
        _ l: UnsafeMutablePointer<Float>, targets t: UnsafePointer<Float>, scale: Float, count: Int
    ) {
        adambench_bce_logits_gradient_f32(l, t, scale, count)
    }
    public static func im2col(
        _ x: UnsafePointer<Float>, images: Int, height: Int, width: Int, channels: Int, kernel: Int,
        into col: UnsafeMutablePointer<Float>
    ) {
        adambench_im2col_f32(x, images, height, width, channels, kernel, col)
    }
    public static func col2imAdd(
        _ dcol: UnsafePointer<Float>, images: Int, height: Int, width: Int, channels: Int, kernel: Int,
        into dx: UnsafeMutablePointer<Float>
    ) {
        adambench_col2im_add_f32(dcol, images, height, width, channels, kernel, dx)
    }
    public static func maxPool(
        _ x: UnsafePointer<Float>, batch: Int, height: Int, width: Int, channels: Int, window: Int, stride: Int,
        padding: Int, into y: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>
    ) {
        adambench_max_pool_f32(x, batch, height, width, channels, window, stride, padding, y, argmax)
    }
    public static func addBiasReLU(
        _ y: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, columns: Int
    ) {
        adambench_add_bias_relu_f32(y, bias, rows, columns)
    }
    public static func reluBackwardWithBiasGradient(
        _ dy: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>,
        biasGradient: UnsafeMutablePointer<Float>, rows: Int, columns: Int
    ) {
        adambench_relu_backward_bias_f32(dy, y, biasGradient, rows, columns)
    }
    public static func addBiasReLUMask(
        _ y: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, mask: UnsafePointer<Float>,
        rows: Int, columns: Int
    ) {
        adambench_add_bias_relu_mask_f32(y, bias, mask, rows, columns)
    }
    public static func reluBackward(_ dy: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, count: Int) {
        adambench_relu_backward_f32(dy, y, count)
    }
    public static func maskedReLUBackward(
        _ dy: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, mask: UnsafePointer<Float>,
        count: Int
    ) {
        adambench_masked_relu_backward_f32(dy, y, mask, count)
    }
    public static func columnSums(
        _ m: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>
    ) {
        adambench_column_sums_f32(m, rows, columns, out)
    }
}

extension Double: NNScalar {
    @inline(__always)
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inline(__always) public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { Foundation.log(x) }
    @inline(__always) public static func log1p(_ x: Double) -> Double { Foundation.log1p(x) }
    public static func softplus(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        elementwiseSoftplus(x, into: y, count: count)
    }
    public static func scaleBySigmoid(_ dy: UnsafeMutablePointer<Double>, of x: UnsafePointer<Double>, count: Int) {
        elementwiseScaleBySigmoid(dy, of: x, count: count)
    }
    public static func crossEntropyWithLogitsSum(
        _ l: UnsafePointer<Double>, targets t: UnsafePointer<Double>, count: Int
    ) -> Double {
        elementwiseCrossEntropyWithLogitsSum(l, targets: t, count: count)
    }
    public static func crossEntropyWithLogitsGradient(
        _ l: UnsafeMutablePointer<Double>, targets t: UnsafePointer<Double>, scale: Double, count: Int
    ) {
        elementwiseCrossEntropyWithLogitsGradient(l, targets: t, scale: scale, count: count)
    }
    public static func im2col(
        _ x: UnsafePointer<Double>, images: Int, height: Int, width: Int, channels: Int, kernel: Int,
        into col: UnsafeMutablePointer<Double>
    ) {
        elementwiseIm2col(
            x, images: images, height: height, width: width, channels: channels, kernel: kernel, into: col)
    }
    public static func col2imAdd(
        _ dcol: UnsafePointer<Double>, images: Int, height: Int, width: Int, channels: Int, kernel: Int,
        into dx: UnsafeMutablePointer<Double>
    ) {
        elementwiseCol2imAdd(
            dcol, images: images, height: height, width: width, channels: channels, kernel: kernel, into: dx)
    }
    public static func maxPool(
        _ x: UnsafePointer<Double>, batch: Int, height: Int, width: Int, channels: Int, window: Int, stride: Int,
        padding: Int, into y: UnsafeMutablePointer<Double>, argmax: UnsafeMutablePointer<Int32>
    ) {
        elementwiseMaxPool(
            x, batch: batch, height: height, width: width, channels: channels, window: window, stride: stride,
            padding: padding, into: y, argmax: argmax)
    }
    public static func addBiasReLU(
        _ y: UnsafeMutablePointer<Double>, bias: UnsafePointer<Double>, rows: Int, columns: Int
    ) {
        elementwiseAddBiasReLU(y, bias: bias, rows: rows, columns: columns)
    }
    public static func reluBackwardWithBiasGradient(
        _ dy: UnsafeMutablePointer<Double>, output y: UnsafePointer<Double>,
        biasGradient: UnsafeMutablePointer<Double>, rows: Int, columns: Int
    ) {
        elementwiseReLUBackwardWithBiasGradient(dy, output: y, biasGradient: biasGradient, rows: rows, columns: columns)
    }
    public static func addBiasReLUMask(
        _ y: UnsafeMutablePointer<Double>, bias: UnsafePointer<Double>, mask: UnsafePointer<Double>,
        rows: Int, columns: Int
    ) {
        elementwiseAddBiasReLUMask(y, bias: bias, mask: mask, rows: rows, columns: columns)
    }
    public static func reluBackward(_ dy: UnsafeMutablePointer<Double>, output y: UnsafePointer<Double>, count: Int) {
        elementwiseReLUBackward(dy, output: y, count: count)
    }
    public static func maskedReLUBackward(
        _ dy: UnsafeMutablePointer<Double>, output y: UnsafePointer<Double>, mask: UnsafePointer<Double>,
        count: Int
    ) {
        elementwiseMaskedReLUBackward(dy, output: y, mask: mask, count: count)
    }
    public static func columnSums(
        _ m: UnsafePointer<Double>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Double>
    ) {
        elementwiseColumnSums(m, rows: rows, columns: columns, into: out)
    }
}

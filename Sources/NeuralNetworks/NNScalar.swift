import CNeuralKernels
import COpenBLAS
import Foundation

/// The element types the engine computes in: Float32 for training (sgemm), Float64 for exactness
/// checks (dgemm). Each supplies its BLAS routines and the scalar functions the layers need.
public protocol NNScalar: BinaryFloatingPoint & SIMDScalar & Sendable & Codable {
    /// C = alpha * op(A) * op(B) + beta * C, row-major; op(X) = X or X^T. A is m x k after op,
    /// B is k x n after op, C is m x n.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
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
    static func crossEntropyWithLogitsSum(_ l: UnsafePointer<Self>, targets t: UnsafePointer<Self>, count: Int) -> Double
    /// l = (sigmoid(l) - t) * scale, in place.
    static func crossEntropyWithLogitsGradient(_ l: UnsafeMutablePointer<Self>, targets t: UnsafePointer<Self>, scale: Self, count: Int)
}

extension NNScalar {
    /// The element-by-element forms (Float64; and the reference the Float32 kernels are tested against).
    public static func elementwiseSoftplus(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { let v = x[i]; y[i] = Swift.max(v, 0) + log1p(exp(-v.magnitude)) }
    }
    public static func elementwiseScaleBySigmoid(_ dy: UnsafeMutablePointer<Self>, of x: UnsafePointer<Self>, count: Int) {
        for i in 0..<count { dy[i] *= sigmoid(x[i]) }
    }
    public static func elementwiseCrossEntropyWithLogitsSum(_ l: UnsafePointer<Self>, targets t: UnsafePointer<Self>, count: Int) -> Double {
        var sum = Self(0)
        for i in 0..<count { sum += Swift.max(l[i], 0) - l[i] * t[i] + log1p(exp(-l[i].magnitude)) }
        return Double(sum)
    }
    public static func elementwiseCrossEntropyWithLogitsGradient(_ l: UnsafeMutablePointer<Self>, targets t: UnsafePointer<Self>, scale: Self, count: Int) {
        for i in 0..<count { l[i] = (sigmoid(l[i]) - t[i]) * scale }
    }
    @inline(__always)
    static func sigmoid(_ x: Self) -> Self {
        x >= 0 ? 1 / (1 + exp(-x)) : { let e = exp(x); return e / (1 + e) }()
    }
}

extension Float: NNScalar {
    @inline(__always)
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
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
    public static func crossEntropyWithLogitsSum(_ l: UnsafePointer<Float>, targets t: UnsafePointer<Float>, count: Int) -> Double {
        adambench_bce_logits_sum_f32(l, t, count)
    }
    public static func crossEntropyWithLogitsGradient(_ l: UnsafeMutablePointer<Float>, targets t: UnsafePointer<Float>, scale: Float, count: Int) {
        adambench_bce_logits_gradient_f32(l, t, scale, count)
    }
}

extension Double: NNScalar {
    @inline(__always)
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
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
    public static func crossEntropyWithLogitsSum(_ l: UnsafePointer<Double>, targets t: UnsafePointer<Double>, count: Int) -> Double {
        elementwiseCrossEntropyWithLogitsSum(l, targets: t, count: count)
    }
    public static func crossEntropyWithLogitsGradient(_ l: UnsafeMutablePointer<Double>, targets t: UnsafePointer<Double>, scale: Double, count: Int) {
        elementwiseCrossEntropyWithLogitsGradient(l, targets: t, scale: scale, count: count)
    }
}

/// OpenBLAS's own threading: the harness runs one run per worker thread with BLAS single-threaded.
public enum BLASThreads {
    public static func set(_ count: Int) { openblas_set_num_threads(Int32(count)) }
    public static var coreName: String { String(cString: openblas_get_corename()) }
    public static var configuration: String { String(cString: openblas_get_config()) }
}

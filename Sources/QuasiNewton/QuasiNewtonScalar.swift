import COpenBLAS

/// The element types the quasi-Newton methods keep full-length vectors in: Float32 when they train a
/// network (the parameters' own type), Float64 for exactness tests. Full-length work goes through
/// BLAS level 1/2/3 in that type; everything in SFO's low-dimensional subspace is Float64.
public protocol QuasiNewtonScalar: BinaryFloatingPoint & Sendable {
    /// sum_i x_i y_i, accumulated by BLAS in `Self`.
    static func dot(_ n: Int, _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>) -> Double
    /// y += a * x.
    static func axpy(_ n: Int, _ a: Double, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)
    /// x *= a.
    static func scale(_ n: Int, _ a: Double, _ x: UnsafeMutablePointer<Self>)
    /// y = alpha * A^T x + beta * y for column-major A (m x k, leading dimension lda): k outputs.
    static func gemvTransposed(
        m: Int, k: Int, alpha: Double, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, beta: Double, y: UnsafeMutablePointer<Self>)
    /// y = alpha * A x + beta * y for column-major A (m x k, leading dimension lda): m outputs.
    static func gemv(
        m: Int, k: Int, alpha: Double, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, beta: Double, y: UnsafeMutablePointer<Self>)
    /// C = A B, column-major: A m x k (lda), B k x n (ldb), C m x n (ldc).
    static func gemm(
        m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        c: UnsafeMutablePointer<Self>, ldc: Int)
}

extension Float: QuasiNewtonScalar {
    public static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Double {
        Double(cblas_sdot(Int32(n), x, 1, y, 1))
    }
    public static func axpy(_ n: Int, _ a: Double, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(Int32(n), Float(a), x, 1, y, 1)
    }
    public static func scale(_ n: Int, _ a: Double, _ x: UnsafeMutablePointer<Float>) {
        cblas_sscal(Int32(n), Float(a), x, 1)
    }
    public static func gemvTransposed(
        m: Int, k: Int, alpha: Double, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, beta: Double, y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(CblasColMajor, CblasTrans, Int32(m), Int32(k), Float(alpha), a, Int32(lda), x, 1, Float(beta), y, 1)
    }
    public static func gemv(
        m: Int, k: Int, alpha: Double, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, beta: Double, y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(
            CblasColMajor, CblasNoTrans, Int32(m), Int32(k), Float(alpha), a, Int32(lda), x, 1, Float(beta), y, 1)
    }
    public static func gemm(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasColMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0,
            c, Int32(ldc))
    }
}

extension Double: QuasiNewtonScalar {
    public static func dot(_ n: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        cblas_ddot(Int32(n), x, 1, y, 1)
    }
    public static func axpy(_ n: Int, _ a: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(Int32(n), a, x, 1, y, 1)
    }
    public static func scale(_ n: Int, _ a: Double, _ x: UnsafeMutablePointer<Double>) {
        cblas_dscal(Int32(n), a, x, 1)
    }
    public static func gemvTransposed(
        m: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(CblasColMajor, CblasTrans, Int32(m), Int32(k), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
    public static func gemv(
        m: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(m), Int32(k), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
    public static func gemm(
        m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasColMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0,
            c, Int32(ldc))
    }
}

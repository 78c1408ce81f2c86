import COpenBLAS

/// The small dense Float64 linear algebra of SFO's subspace (matrices column-major, at most a few
/// thousand rows): symmetric eigendecomposition (LAPACK `dsyevd`), Cholesky solves (`dpotrf` /
/// `dpotrs`), the pseudo-inverse (`dgesdd`, as `numpy.linalg.pinv`), orthonormal bases (modified Gram-Schmidt, applied twice) and products (`dgemm`).
enum DenseMatrix {
    /// Eigenvalues (ascending) and eigenvectors (columns of an n x n matrix) of the symmetric `a`;
    /// nil when LAPACK reports a failure or the input is not finite.
    static func symmetricEigen(_ a: [Double], n: Int) -> (values: [Double], vectors: [Double])? {
        guard n > 0 else { return ([], []) }
        guard a.allSatisfy(\.isFinite) else { return nil }
        var matrix = a
        var values = [Double](repeating: 0, count: n)
        var jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "L")), order = Int32(n), info: Int32 = 0
        var lwork = Int32(1 + 6 * n + 2 * n * n), liwork = Int32(3 + 5 * n)
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &order, &matrix, &order, &values, &work, &lwork, &iwork, &liwork, &info)
        return info == 0 ? (values, matrix) : nil
    }

    /// The Moore-Penrose pseudo-inverse of the m x n `a` (n x m), from its singular value
    /// decomposition with singular values at or below `rcond` times the largest set to zero: what
    /// `numpy.linalg.pinv(a)` computes (its default rcond 1e-15). Nil when LAPACK fails.
    static func pseudoInverse(_ a: [Double], m: Int, n: Int, rcond: Double = 1e-15) -> [Double]? {
        guard m > 0, n > 0 else { return [Double](repeating: 0, count: m * n) }
        guard a.allSatisfy(\.isFinite) else { return nil }
        let k = min(m, n)
        var matrix = a
        var singular = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: m * k), vt = [Double](repeating: 0, count: k * n)
        var jobz = Int8(UInt8(ascii: "S")), rows = Int32(m), columns = Int32(n), ldvt = Int32(k), info: Int32 = 0
        var lwork = Int32(-1), query = 0.0
        var iwork = [Int32](repeating: 0, count: 8 * k)
        dgesdd_(
            &jobz, &rows, &columns, &matrix, &rows, &singular, &u, &rows, &vt, &ldvt, &query, &lwork, &iwork, &info)
        lwork = Int32(query)
        var work = [Double](repeating: 0, count: Int(lwork))
        dgesdd_(&jobz, &rows, &columns, &matrix, &rows, &singular, &u, &rows, &vt, &ldvt, &work, &lwork, &iwork, &info)
        guard info == 0 else { return nil }
        let cutoff = rcond * (singular.max() ?? 0)
        // A^+ = V diag(1/s) U^T: n x m, column-major.
        var result = [Double](repeating: 0, count: n * m)
        for e in 0..<k where singular[e] > cutoff {
            for c in 0..<m {
                let scaled = u[e * m + c] / singular[e]
                for r in 0..<n { result[c * n + r] += vt[r * k + e] * scaled }
            }
        }
        return result
    }

    /// Solves A X = B in place for the symmetric positive definite `a` (n x n) and the n x nrhs
    /// right-hand sides `b`; false when A is not positive definite.
    static func choleskySolve(_ a: [Double], n: Int, _ b: inout [Double], nrhs: Int) -> Bool {
        guard n > 0, nrhs > 0 else { return true }
        var factor = a
        var uplo = Int8(UInt8(ascii: "L")), order = Int32(n), columns = Int32(nrhs), info: Int32 = 0
        dpotrf_(&uplo, &order, &factor, &order, &info)
        guard info == 0 else { return false }
        dpotrs_(&uplo, &order, &columns, factor, &order, &b, &order, &info)
        return info == 0 && b.allSatisfy(\.isFinite)
    }

    /// An orthonormal basis (rows x rank, column-major) of the span of `columns` (rows x count):
    /// modified Gram-Schmidt run twice per column for stability; a column whose remainder is below
    /// `tolerance` times its own length (or is not finite) adds nothing.
    static func orthonormalBasis(
        _ columns: [Double], rows: Int, count: Int, tolerance: Double = 1e-10
    ) -> (basis: [Double], rank: Int) {
        var basis = [Double](repeating: 0, count: rows * count)
        var rank = 0
        var v = [Double](repeating: 0, count: rows)
        for c in 0..<count {
            for r in 0..<rows { v[r] = columns[c * rows + r] }
            let length = norm(v)
            guard length > 0, length.isFinite else { continue }
            for _ in 0..<2 {
                for q in 0..<rank {
                    var projection = 0.0
                    for r in 0..<rows { projection += basis[q * rows + r] * v[r] }
                    for r in 0..<rows { v[r] -= projection * basis[q * rows + r] }
                }
            }
            let remainder = norm(v)
            guard remainder > tolerance * length else { continue }
            for r in 0..<rows { basis[rank * rows + r] = v[r] / remainder }
            rank += 1
        }
        return (Array(basis[0..<(rank * rows)]), rank)
    }

    /// C = op(A) op(B) (column-major; op = transpose when asked): m x n result, inner dimension k.
    static func multiply(
        _ a: [Double], _ b: [Double], m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false
    ) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        guard m > 0, n > 0 else { return c }
        guard k > 0 else { return c }
        cblas_dgemm(
            CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), 1, a, Int32(transposeA ? k : m), b, Int32(transposeB ? n : k), 0, &c, Int32(m)
        )
        return c
    }

    static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    static func dot(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
        var s = 0.0
        for (x, y) in zip(a, b) { s += x * y }
        return s
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// SFO's positive-definite repair of a symmetric matrix's spectrum: every eigenvalue below
    /// max_i |lambda_i| / `maxRatio` becomes the median of the positive ones (`whenNonePositive`
    /// when there are none), so the matrix rebuilt from it has condition number at most about
    /// `maxRatio` (the reference's `max_eigenvalue_ratio`, 1e8 by default).
    static func clampedSpectrum(_ values: [Double], maxRatio: Double, whenNonePositive: Double) -> [Double] {
        let positive = values.filter { $0 > 0 }
        let median = positive.isEmpty ? whenNonePositive : Self.median(positive)
        let cutoff = (values.map { abs($0) }.max() ?? 0) / maxRatio
        return values.map { $0 < cutoff ? median : $0 }
    }
}

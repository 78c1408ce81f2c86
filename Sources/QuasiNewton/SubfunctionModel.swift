import COpenBLAS

/// What SFO knows about one subfunction f_i, in subspace coordinates (`dimension` = K_max entries,
/// zeros beyond the columns in use): where it was last evaluated (x_i, f_i(x_i), f_i'(x_i)), its
/// history of position and gradient changes (newest first, at most `maxHistory` pairs), and its
/// curvature estimate
///
///     H_i = beta_i I + Q_i C_i Q_i^T
///
/// with Q_i an orthonormal basis (K x r, r <= 2 maxHistory) of the span of the history and C_i
/// symmetric r x r. Its quadratic model is
///     G_i(x) = f_i(x_i) + (x - x_i)^T f_i'(x_i) + 1/2 (x - x_i)^T H_i (x - x_i).
struct SubfunctionModel {
    let dimension: Int
    var position: [Double]
    var gradient: [Double]
    var loss = Double.nan
    var evaluations = 0
    var active = false
    /// Position changes s and gradient changes y, newest first.
    var historyS: [[Double]] = []
    var historyY: [[Double]] = []
    var beta = 0.0
    var largestEigenvalue = 0.0
    /// K x r, column-major.
    var basis: [Double] = []
    var rank = 0
    /// r x r, column-major.
    var core: [Double] = []

    init(dimension: Int, position: [Double]) {
        self.dimension = dimension
        self.position = position
        gradient = [Double](repeating: 0, count: dimension)
    }

    /// (H_i - beta_i I) v = Q C Q^T v.
    func lowRankTimes(_ v: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: dimension)
        guard rank > 0 else { return result }
        var projected = [Double](repeating: 0, count: rank), mixed = [Double](repeating: 0, count: rank)
        cblas_dgemv(
            CblasColMajor, CblasTrans, Int32(dimension), Int32(rank), 1, basis, Int32(dimension), v, 1, 0, &projected, 1
        )
        cblas_dgemv(
            CblasColMajor, CblasNoTrans, Int32(rank), Int32(rank), 1, core, Int32(rank), projected, 1, 0, &mixed, 1)
        cblas_dgemv(
            CblasColMajor, CblasNoTrans, Int32(dimension), Int32(rank), 1, basis, Int32(dimension), mixed, 1, 0,
            &result, 1)
        return result
    }

    /// H_i v.
    func hessianTimes(_ v: [Double]) -> [Double] {
        var result = lowRankTimes(v)
        for k in 0..<dimension { result[k] += beta * v[k] }
        return result
    }

    /// G_i(x) for subspace coordinates x.
    func predictedLoss(at x: [Double]) -> Double {
        let d = zip(x, position).map { $0 - $1 }
        let hd = hessianTimes(d)
        return loss + DenseMatrix.dot(gradient[...], d[...]) + 0.5 * DenseMatrix.dot(d[...], hd[...])
    }

    /// Adds `sign` * Q C Q^T to the K x K matrix `total` (column-major).
    func accumulateLowRank(into total: inout [Double], sign: Double) {
        guard rank > 0 else { return }
        let qc = DenseMatrix.multiply(basis, core, m: dimension, n: rank, k: rank)
        cblas_dgemm(
            CblasColMajor, CblasNoTrans, CblasTrans, Int32(dimension), Int32(dimension), Int32(rank), sign, qc,
            Int32(dimension),
            basis, Int32(dimension), 1, &total, Int32(dimension))
    }

    /// Records the change from the last recorded evaluation to (x, g) (sfo.py's `update_history`):
    /// once the subfunction has been evaluated more than once (`evaluations` counts this
    /// evaluation), when |s| and |y| reach `tolerance`, |cos(s, y)| does too, and both are finite.
    /// Before its first record a subfunction's last position is the starting point and its last
    /// gradient zero, as in the reference: a subfunction whose first step fails gets a pair from them.
    mutating func recordChange(position x: [Double], gradient g: [Double], maxHistory: Int, tolerance: Double) {
        guard evaluations > 1 else { return }
        let s = zip(x, position).map { $0 - $1 }, y = zip(g, gradient).map { $0 - $1 }
        let sLength = DenseMatrix.norm(s), yLength = DenseMatrix.norm(y)
        guard sLength.isFinite, yLength.isFinite, sLength >= tolerance, yLength >= tolerance,
            abs(DenseMatrix.dot(s[...], y[...]) / (sLength * yLength)) >= tolerance
        else { return }
        historyS.insert(s, at: 0)
        historyY.insert(y, at: 0)
        if historyS.count > maxHistory {
            historyS.removeLast()
            historyY.removeLast()
        }
    }

    /// Maps every stored vector through the subspace change x -> T^T x (T: K x newDimension).
    mutating func transform(by t: [Double], newDimension: Int) {
        func map(_ v: [Double]) -> [Double] {
            var out = DenseMatrix.multiply(t, v, m: newDimension, n: 1, k: dimension, transposeA: true)
            out += [Double](repeating: 0, count: dimension - newDimension)
            return out
        }
        position = map(position)
        gradient = map(gradient)
        historyS = historyS.map(map)
        historyY = historyY.map(map)
        if rank > 0 {
            var mapped = DenseMatrix.multiply(t, basis, m: newDimension, n: rank, k: dimension, transposeA: true)
            var padded = [Double](repeating: 0, count: dimension * rank)
            for c in 0..<rank { for r in 0..<newDimension { padded[c * dimension + r] = mapped[c * newDimension + r] } }
            mapped = []
            basis = padded
        }
    }

    static func bytes(dimension: Int, maxHistory: Int) -> Int {
        (dimension * (2 + 2 * maxHistory + 2 * maxHistory) + 4 * maxHistory * maxHistory) * MemoryLayout<Double>.stride
    }
}

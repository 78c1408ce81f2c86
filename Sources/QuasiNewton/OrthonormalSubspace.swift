/// SFO's shared low-dimensional subspace: an orthonormal basis P (M x K_max, column-major, one
/// column per direction) in which every subfunction's position, gradient and curvature are kept.
///
/// New directions (each evaluated gradient) are added by Gram-Schmidt against the current columns,
/// repeated when a pass removes most of the vector; a direction that is shorter than `tolerance` after projection adds
/// nothing. When all K_max columns are in use the owner collapses the basis: P <- P T with T
/// (K_max x K_min) orthonormal, computed in row blocks so the product needs no second M x K_max
/// buffer. A basis as wide as the space itself is the identity and never changes.
final class OrthonormalSubspace<Scalar: QuasiNewtonScalar> {
    let count: Int
    let capacity: Int
    /// Columns in use.
    private(set) var dimension: Int
    let basis: UnsafeMutablePointer<Scalar>
    let tolerance: Double
    private let coefficients: UnsafeMutablePointer<Scalar>
    private let candidate: FlatVector<Scalar>

    var spansSpace: Bool { capacity >= count }

    /// A subspace of R^count with room for `capacity` directions, starting from `initial` (or from
    /// the standard basis when capacity >= count).
    init(count: Int, capacity: Int, initial: UnsafePointer<Scalar>, choices: inout SFOChoices) {
        self.count = count
        self.capacity = capacity
        tolerance = max(1e-12, 100 * Double(Scalar.ulpOfOne))
        basis = .allocate(capacity: count * capacity)
        basis.initialize(repeating: 0, count: count * capacity)
        coefficients = .allocate(capacity: capacity)
        coefficients.initialize(repeating: 0, count: capacity)
        candidate = FlatVector(count: count)
        if capacity >= count {
            for i in 0..<count { basis[i * count + i] = 1 }
            dimension = count
            return
        }
        candidate.copy(from: initial)
        var length = candidate.dot(candidate).squareRoot()
        if !(length > 0) || !length.isFinite {
            for (i, v) in choices.gaussians(count).enumerated() { candidate.pointer[i] = Scalar(v) }
            length = candidate.dot(candidate).squareRoot()
        }
        for i in 0..<count { basis[i] = candidate.pointer[i] / Scalar(length) }
        dimension = 1
    }

    deinit {
        basis.deallocate()
        coefficients.deallocate()
    }

    static func bytes(count: Int, capacity: Int) -> Int {
        (count * capacity + count + capacity) * MemoryLayout<Scalar>.stride
    }

    /// P^T x in Float64, `capacity` entries (zeros beyond `dimension`).
    func project(_ x: UnsafePointer<Scalar>) -> [Double] {
        Scalar.gemvTransposed(m: count, k: dimension, alpha: 1, a: basis, lda: count, x: x, beta: 0, y: coefficients)
        var result = [Double](repeating: 0, count: capacity)
        for k in 0..<dimension { result[k] = Double(coefficients[k]) }
        return result
    }

    /// x += P c for subspace coordinates c (entries beyond `dimension` are ignored).
    func addLifted(_ c: [Double], to x: UnsafeMutablePointer<Scalar>) {
        for k in 0..<dimension { coefficients[k] = Scalar(c[k]) }
        Scalar.gemv(m: count, k: dimension, alpha: 1, a: basis, lda: count, x: coefficients, beta: 1, y: x)
    }

    /// Adds the part of `x` outside the subspace as a new column (when there is one) and returns x's
    /// coordinates in the basis as it is afterwards (`capacity` entries): the Gram-Schmidt
    /// coefficients, plus the remainder's length on the new column. Only the part of x shorter than
    /// `tolerance` relative to |x| is lost when nothing is added.
    func add(_ x: UnsafePointer<Scalar>) -> (added: Bool, coordinates: [Double]) {
        guard !spansSpace else { return (false, project(x)) }
        candidate.copy(from: x)
        let length = candidate.dot(candidate).squareRoot()
        var result = [Double](repeating: 0, count: capacity)
        guard length >= tolerance, length.isFinite, dimension < capacity else {
            return (false, length.isFinite && dimension < capacity ? result : project(x))
        }
        Scalar.scale(count, 1 / length, candidate.pointer)
        // Classical Gram-Schmidt, repeated once when the first pass removed most of the vector
        // (the "twice is enough" criterion: remainder < 0.7 of what went in).
        var scale = length
        for pass in 0..<2 {
            Scalar.gemvTransposed(
                m: count, k: dimension, alpha: 1, a: basis, lda: count, x: candidate.pointer, beta: 0, y: coefficients)
            Scalar.gemv(
                m: count, k: dimension, alpha: -1, a: basis, lda: count, x: coefficients, beta: 1, y: candidate.pointer)
            for k in 0..<dimension { result[k] += scale * Double(coefficients[k]) }
            let remainder = candidate.dot(candidate).squareRoot()
            guard remainder >= tolerance else { return (false, result) }
            Scalar.scale(count, 1 / remainder, candidate.pointer)
            scale *= remainder
            if remainder >= 0.7 || pass == 1 { break }
        }
        (basis + dimension * count).update(from: candidate.pointer, count: count)
        result[dimension] = scale
        dimension += 1
        return (true, result)
    }

    var isFull: Bool { !spansSpace && dimension >= capacity }

    /// P <- P T for T (capacity x newDimension, column-major, Float64): the basis now spans the
    /// columns of P T, the first `newDimension` columns.
    func collapse(to transform: [Double], newDimension: Int) {
        let t = transform.map { Scalar($0) }
        let rowsPerBlock = 256
        let block = UnsafeMutablePointer<Scalar>.allocate(capacity: rowsPerBlock * newDimension)
        defer { block.deallocate() }
        t.withUnsafeBufferPointer { tp in
            var row = 0
            while row < count {
                let rows = min(rowsPerBlock, count - row)
                Scalar.gemm(
                    m: rows, n: newDimension, k: dimension, a: basis + row, lda: count, b: tp.baseAddress!,
                    ldb: capacity,
                    c: block, ldc: rows)
                for k in 0..<newDimension { (basis + k * count + row).update(from: block + k * rows, count: rows) }
                row += rows
            }
        }
        for k in newDimension..<capacity { (basis + k * count).update(repeating: 0, count: count) }
        dimension = newDimension
    }
}

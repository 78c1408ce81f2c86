/// A full-length vector (one entry per model parameter) owned by a quasi-Newton method: allocated
/// once, reused every iteration, freed with its owner. Reference semantics, so history rings can
/// rotate vectors without copying them.
final class FlatVector<Scalar: QuasiNewtonScalar> {
    let count: Int
    let pointer: UnsafeMutablePointer<Scalar>

    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }

    var bytes: Int { count * MemoryLayout<Scalar>.stride }

    func copy(from source: UnsafePointer<Scalar>) { pointer.update(from: source, count: count) }
    func copy(from source: FlatVector<Scalar>) { copy(from: source.pointer) }

    func dot(_ other: FlatVector<Scalar>) -> Double { Scalar.dot(count, pointer, other.pointer) }
    /// self += a * x.
    func add(_ a: Double, _ x: FlatVector<Scalar>) { Scalar.axpy(count, a, x.pointer, pointer) }

    /// max_i |x_i|.
    var maximumMagnitude: Double {
        var m = 0.0
        for i in 0..<count { m = Swift.max(m, Double(Swift.abs(pointer[i]))) }
        return m
    }

    /// sum_i |x_i|.
    var sumOfMagnitudes: Double {
        var s = 0.0
        for i in 0..<count { s += Double(Swift.abs(pointer[i])) }
        return s
    }

    var isFinite: Bool {
        for i in 0..<count where !pointer[i].isFinite { return false }
        return true
    }
}

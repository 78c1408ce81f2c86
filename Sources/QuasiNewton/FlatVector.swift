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
    var maximumMagnitude: Double { Self.maximumMagnitude(pointer, count) }

    /// sum_i |x_i| (accumulated in Float64).
    var sumOfMagnitudes: Double { Self.sumOfMagnitudes(pointer, count) }

    var isFinite: Bool { Self.allFinite(pointer, count) }

    /// self = a - b.
    func assignDifference(_ a: FlatVector<Scalar>, _ b: FlatVector<Scalar>) {
        Self.difference(a.pointer, b.pointer, pointer, count)
    }

    /// self = a * x.
    func assignScaled(_ x: FlatVector<Scalar>, by a: Double) { Self.scaled(x.pointer, a, pointer, count) }

    // Static, specialized loops: calls through the generic class would go through witness tables.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    static func maximumMagnitude(_ x: UnsafePointer<Scalar>, _ n: Int) -> Double {
        var m = Scalar.zero
        for i in 0..<n { m = Swift.max(m, Swift.abs(x[i])) }
        return Double(m)
    }

    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    static func sumOfMagnitudes(_ x: UnsafePointer<Scalar>, _ n: Int) -> Double {
        var s = 0.0
        for i in 0..<n { s += Double(Swift.abs(x[i])) }
        return s
    }

    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    static func allFinite(_ x: UnsafePointer<Scalar>, _ n: Int) -> Bool {
        var finite = true
        for i in 0..<n { finite = finite && x[i].isFinite }
        return finite
    }

    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    static func difference(
        _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ out: UnsafeMutablePointer<Scalar>, _ n: Int
    ) {
        for i in 0..<n { out[i] = a[i] - b[i] }
    }

    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    static func scaled(_ x: UnsafePointer<Scalar>, _ a: Double, _ out: UnsafeMutablePointer<Scalar>, _ n: Int) {
        let factor = Scalar(a)
        for i in 0..<n { out[i] = x[i] * factor }
    }
}

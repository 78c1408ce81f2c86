/// A fixed-size, zero-initialized buffer of optimizer state (a moment, an accumulator, an average).
///
/// Storage is one manually allocated contiguous block, so the update loops run over raw pointers with
/// no bounds checks, no copy-on-write and no exclusivity checks, and nothing is allocated per step.
public final class StateBuffer<Scalar: BinaryFloatingPoint>: @unchecked Sendable {
    public let name: String
    public let pointer: UnsafeMutablePointer<Scalar>
    public let count: Int

    public init(name: String, count: Int, initialValue: Scalar = 0) {
        self.name = name
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: initialValue, count: max(count, 1))
    }

    deinit { pointer.deallocate() }

    public var values: [Scalar] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    public func assign(_ values: [Scalar]) {
        precondition(values.count == count, "StateBuffer.assign: size mismatch (checked by callers)")
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    public func fill(_ value: Scalar) { pointer.update(repeating: value, count: count) }
}

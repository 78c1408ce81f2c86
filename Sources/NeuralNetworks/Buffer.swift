/// A preallocated, zero-initialized workspace array (activations, gradients, masks). Models allocate
/// all of theirs once, for their largest batch, so the training step allocates nothing.
public final class Buffer<T: NNScalar>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<T>
    public let capacity: Int

    public init(_ capacity: Int) {
        self.capacity = capacity
        pointer = .allocate(capacity: max(capacity, 1))
        pointer.initialize(repeating: 0, count: max(capacity, 1))
    }

    deinit { pointer.deallocate() }

    public func zero(_ count: Int) { pointer.update(repeating: 0, count: count) }
}

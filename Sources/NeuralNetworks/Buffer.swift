/// A preallocated, zero-initialized workspace array (activations, gradients, masks). Models allocate
/// all of theirs once, for their largest batch, so the training step allocates nothing.
public final class Buffer<T: NNScalar> {
    public let pointer: UnsafeMutablePointer<T>
    public let capacity: Int

    public init(_ capacity: Int) {
        self.capacity = capacity
        pointer = .allocate(capacity: max(capacity, 1))
        // All-zero bits are 0.0 for IEEE floats; a memset is far faster than an element-wise loop.
        UnsafeMutableRawPointer(pointer).initializeMemory(
            as: UInt8.self, repeating: 0, count: max(capacity, 1) * MemoryLayout<T>.stride)
    }

    deinit { pointer.deallocate() }

    public func zero(_ count: Int) { pointer.update(repeating: 0, count: count) }
}

#if canImport(Glibc)
import Glibc
#endif

/// A fixed-size, zero-initialized buffer of optimizer state (a moment, an accumulator, an average).
///
/// Storage is one manually allocated contiguous block, so the update loops run over raw pointers with
/// no bounds checks, no copy-on-write and no exclusivity checks, and nothing is allocated per step.
/// Blocks of 2 MiB and more are 2 MiB-aligned and advised to use transparent huge pages (as
/// PyTorch's CPU allocator does): a pass over tens of millions of parameters then spends far less in
/// TLB misses.
public final class StateBuffer<Scalar: BinaryFloatingPoint> {
    public let name: String
    public let pointer: UnsafeMutablePointer<Scalar>
    public let count: Int

    public init(name: String, count: Int, initialValue: Scalar = 0) {
        self.name = name
        self.count = count
        pointer = HugePageAllocation.allocate(Scalar.self, count: max(count, 1))
        pointer.initialize(repeating: initialValue, count: max(count, 1))
    }

    deinit { free(pointer) }

    public var values: [Scalar] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    public func assign(_ values: [Scalar]) {
        precondition(values.count == count, "StateBuffer.assign: size mismatch (checked by callers)")
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    public func fill(_ value: Scalar) { pointer.update(repeating: value, count: count) }
}

/// Allocation of large numeric buffers: 2 MiB-aligned and `madvise(MADV_HUGEPAGE)` from 2 MiB up,
/// plain 64-byte-aligned below. Free with `free`.
public enum HugePageAllocation {
    public static let hugePage = 2 << 20

    public static func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = max(count, 1) * MemoryLayout<T>.stride
        let alignment = bytes >= hugePage ? hugePage : 64
        let size = (bytes + alignment - 1) / alignment * alignment
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, alignment, size) == 0, let raw else {
            fatalError("out of memory allocating \(size) bytes")
        }
        #if os(Linux)
        if alignment == hugePage { _ = madvise(raw, size, MADV_HUGEPAGE) }
        #endif
        return raw.bindMemory(to: T.self, capacity: max(count, 1))
    }
}

import Foundation

/// Everything an optimizer carries between steps: step count, scalar state and every buffer,
/// including the parameter average. Restoring it into a fresh optimizer of the same configuration
/// and size continues the trajectory bit for bit.
public struct OptimizerState<Scalar: BinaryFloatingPoint>: Equatable {
    public var step: Int
    public var scalars: [Double]
    /// (name, values) in the rule's fixed order; the average, when enabled, comes last.
    public var buffers: [NamedBuffer]

    public struct NamedBuffer: Equatable {
        public var name: String
        public var values: [Scalar]
    }

    public init(step: Int, scalars: [Double], buffers: [NamedBuffer]) {
        self.step = step
        self.scalars = scalars
        self.buffers = buffers
    }

    /// A compact binary form (little-endian) for checkpoints: magic, scalar width, step, scalars,
    /// then each buffer as name length, UTF-8 name, count, raw IEEE-754 values.
    public func serialized() -> Data {
        var data = Data("ABOS".utf8)
        append(UInt32(MemoryLayout<Scalar>.size), to: &data)
        append(UInt64(step), to: &data)
        append(UInt32(scalars.count), to: &data)
        for s in scalars { append(s.bitPattern, to: &data) }
        append(UInt32(buffers.count), to: &data)
        for b in buffers {
            let name = Data(b.name.utf8)
            append(UInt32(name.count), to: &data)
            data.append(name)
            append(UInt64(b.values.count), to: &data)
            b.values.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Parses `serialized()` output; throws a message on any malformed or truncated input.
    public init(serialized data: Data) throws {
        var reader = ByteReader(data: data)
        guard try reader.bytes(4) == Data("ABOS".utf8) else {
            throw StateFormatError("not an optimizer state (bad magic)")
        }
        let width: UInt32 = try reader.integer()
        guard width == MemoryLayout<Scalar>.size else {
            throw StateFormatError("optimizer state holds \(width)-byte scalars, expected \(MemoryLayout<Scalar>.size)")
        }
        step = Int(try reader.integer() as UInt64)
        let scalarCount: UInt32 = try reader.integer()
        scalars = try (0..<scalarCount).map { _ in Double(bitPattern: try reader.integer()) }
        let bufferCount: UInt32 = try reader.integer()
        buffers = try (0..<bufferCount).map { _ in
            let nameLength: UInt32 = try reader.integer()
            let name = String(decoding: try reader.bytes(Int(nameLength)), as: UTF8.self)
            let count: UInt64 = try reader.integer()
            let raw = try reader.bytes(Int(count) * MemoryLayout<Scalar>.size)
            let values = raw.withUnsafeBytes { Array($0.bindMemory(to: Scalar.self)) }
            return NamedBuffer(name: name, values: values)
        }
        guard reader.atEnd else { throw StateFormatError("optimizer state has trailing bytes") }
    }

    private func append<I: FixedWidthInteger>(_ value: I, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
}

public struct StateFormatError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Sequential little-endian reads with truncation checks.
struct ByteReader {
    let data: Data
    var offset: Int

    init(data: Data) {
        self.data = data
        offset = data.startIndex
    }

    var atEnd: Bool { offset == data.endIndex }

    mutating func bytes(_ n: Int) throws -> Data {
        guard n >= 0, data.endIndex - offset >= n else { throw StateFormatError("optimizer state is truncated") }
        defer { offset += n }
        return data[offset..<offset + n]
    }

    mutating func integer<I: FixedWidthInteger>() throws -> I {
        let raw = try bytes(MemoryLayout<I>.size)
        var value = I.zero
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: raw) }
        return I(littleEndian: value)
    }
}

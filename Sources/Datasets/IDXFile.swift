/// The IDX format of MNIST and Fashion-MNIST: a 4-byte magic (0, 0, type code, number of
/// dimensions), big-endian UInt32 dimension sizes, then the values. Only unsigned bytes (type 0x08)
/// occur in these datasets.
public struct IDXFile {
    public let dimensions: [Int]
    /// The values, row-major, after the header.
    public let values: ArraySlice<UInt8>

    /// Parses `bytes`, requiring `dimensionCount` dimensions and exactly the bytes they imply.
    public init(bytes: [UInt8], expectedDimensionCount: Int, file: String) throws {
        guard bytes.count >= 4 else {
            throw DatasetError(
                file: file, "truncated IDX file: \(bytes.count) bytes, shorter than the 4-byte magic number")
        }
        let expectedMagic = 0x0800 + expectedDimensionCount
        let magic = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard magic == expectedMagic else {
            throw DatasetError(
                file: file,
                "wrong magic number 0x\(String(magic, radix: 16, uppercase: true)), expected 0x\(String(format: "%08X", expectedMagic)) (unsigned bytes, \(expectedDimensionCount) dimension\(expectedDimensionCount == 1 ? "" : "s"))"
            )
        }
        let headerSize = 4 + 4 * expectedDimensionCount
        guard bytes.count >= headerSize else {
            throw DatasetError(
                file: file, "truncated IDX header: \(bytes.count) bytes, expected at least \(headerSize)")
        }
        var dimensions: [Int] = []
        for d in 0..<expectedDimensionCount {
            let o = 4 + 4 * d
            dimensions.append(
                Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
        }
        // The product of the sizes, refusing one that overflows (a corrupted header can name
        // dimensions of 2^32 - 1 each).
        var payload = 1
        for size in dimensions {
            let (product, overflow) = payload.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Int(Int32.max) else {
                throw DatasetError(
                    file: file,
                    "IDX dimensions \(dimensions.map(String.init).joined(separator: "x")) imply more than \(Int32.max) values; the header is corrupted"
                )
            }
            payload = product
        }
        guard bytes.count == headerSize + payload else {
            let what = bytes.count < headerSize + payload ? "truncated IDX file" : "IDX file has trailing bytes"
            throw DatasetError(
                file: file,
                "\(what): \(bytes.count) bytes, expected \(headerSize + payload) for dimensions \(dimensions.map(String.init).joined(separator: "x"))"
            )
        }
        self.dimensions = dimensions
        values = bytes[headerSize...]
    }
}

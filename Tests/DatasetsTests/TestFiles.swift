import ChildProcess
import Datasets
import Foundation
import TestSupport

/// Tiny files in the real formats, written by the tests themselves (no download needed).
enum TestFiles {
    static func directory() throws -> URL {
        try TestFolder.make("datasets")
    }

    static func bigEndian(_ x: Int) -> [UInt8] {
        [UInt8(x >> 24 & 255), UInt8(x >> 16 & 255), UInt8(x >> 8 & 255), UInt8(x & 255)]
    }

    /// An IDX images file: count images of rows x cols, pixel (n, i) = (n * 7 + i) % 256.
    static func idxImages(count: Int, rows: Int, cols: Int) -> [UInt8] {
        [0, 0, 8, 3] + bigEndian(count) + bigEndian(rows) + bigEndian(cols)
            + (0..<count * rows * cols).map { UInt8(($0 / (rows * cols) * 7 + $0 % (rows * cols)) % 256) }
    }

    static func idxLabels(_ labels: [UInt8]) -> [UInt8] { [0, 0, 8, 1] + bigEndian(labels.count) + labels }

    /// gzip via the system's gzip (an independent implementation from the loader's zlib inflate).
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let dir = try directory()
        let file = dir.appendingPathComponent("x")
        try Data(bytes).write(to: file)
        _ = try ChildProcess.run("/bin/gzip", ["-n", "-f", file.path], timeout: 120)
        return [UInt8](try Data(contentsOf: dir.appendingPathComponent("x.gz")))
    }

    static func write(_ bytes: [UInt8], _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// A CIFAR-10 batch of `records` records, label r % 10, pixels (r + i) % 256.
    static func cifarBatch(records: Int) -> [UInt8] {
        var out: [UInt8] = []
        for r in 0..<records {
            out.append(UInt8(r % 10))
            out.append(contentsOf: (0..<3072).map { UInt8((r + $0) % 256) })
        }
        return out
    }
}

import Crypto
import Foundation

/// SHA-256 fingerprints of data files and datasets, for verification and run provenance.
public enum Fingerprint {

    public static func sha256(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// Streams a file through SHA-256 (1 MiB blocks).
    public static func sha256(file url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw DatasetError(file: url.path, "file is missing or unreadable (run `make data`)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty { hasher.update(data: block) }
        return hex(hasher.finalize())
    }

    /// The fingerprint of a dataset: SHA-256 over "name  sha256\n" lines of its files, in name order.
    public static func combine(_ files: [(name: String, sha256: String)]) -> String {
        sha256(Array(files.sorted { $0.name < $1.name }.map { "\($0.name)  \($0.sha256)\n" }.joined().utf8))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}

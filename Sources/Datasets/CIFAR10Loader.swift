import Foundation

/// CIFAR-10 binary batches (plain or gzip): 10,000 records of 1 label byte + 3,072 pixel bytes
/// (1,024 red, 1,024 green, 1,024 blue, row-major 32x32). Serves the canonical data (`cifar10`) and
/// the JPEG re-encoded stand-in (`cifar10-jpeg`), which is a separate variant, never reported as canonical.
public enum CIFAR10Loader {
    public static let recordSize = 3073
    public static let trainBatches = (1...5).map { "data_batch_\($0).bin" }
    public static let testBatches = ["test_batch.bin"]

    public static func load(folder: URL, split: DataSplit, name: String) throws -> ImageSet {
        let batches = split == .train ? trainBatches : testBatches
        var pixels: [Float] = []
        var labels: [Int32] = []
        var hashes: [(name: String, sha256: String)] = []
        for batch in batches {
            let url = MNISTLoader.locate(folder, batch)
            let bytes = try FileBytes.read(url)
            guard bytes.count > 0, bytes.count % recordSize == 0 else {
                throw DatasetError(
                    file: url.path,
                    "\(bytes.count) bytes is not a whole number of \(recordSize)-byte records (1 label byte + 3072 pixel bytes); the file is truncated or not a CIFAR-10 batch"
                )
            }
            let records = bytes.count / recordSize
            pixels.reserveCapacity(pixels.count + records * 3072)
            for r in 0..<records {
                let offset = r * recordSize
                guard bytes[offset] <= 9 else {
                    throw DatasetError(
                        file: url.path, "record \(r): label \(bytes[offset]) out of range, expected 0...9")
                }
                labels.append(Int32(bytes[offset]))
                pixels.append(contentsOf: bytes[(offset + 1)..<(offset + recordSize)].lazy.map { Float($0) / 255 })
            }
            hashes.append((batch, Fingerprint.sha256(bytes)))
        }
        return ImageSet(
            name: "\(name)/\(split.rawValue)", channels: 3, height: 32, width: 32, classCount: 10,
            pixels: pixels, labels: labels, fingerprint: Fingerprint.combine(hashes))
    }
}

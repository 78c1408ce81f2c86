import Foundation

/// MNIST and Fashion-MNIST from IDX files (plain or gzip), with strict header checks.
public enum MNISTLoader {
    public enum Variant: String, Sendable, CaseIterable {
        case mnist
        case fashionMNIST = "fashion-mnist"
    }

    static func fileNames(_ split: DataSplit) -> (images: String, labels: String) {
        let prefix = split == .train ? "train" : "t10k"
        return ("\(prefix)-images-idx3-ubyte", "\(prefix)-labels-idx1-ubyte")
    }

    /// Loads `split` from `folder` (e.g. data/mnist); each file may also be named with `.gz`.
    public static func load(folder: URL, split: DataSplit, name: String) throws -> ImageSet {
        let names = fileNames(split)
        let imagesURL = locate(folder, names.images), labelsURL = locate(folder, names.labels)
        let imageBytes = try FileBytes.read(imagesURL), labelBytes = try FileBytes.read(labelsURL)
        let images = try IDXFile(bytes: imageBytes, expectedDimensionCount: 3, file: imagesURL.path)
        let labels = try IDXFile(bytes: labelBytes, expectedDimensionCount: 1, file: labelsURL.path)
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw DatasetError(
                file: labelsURL.path,
                "holds \(labels.dimensions[0]) labels, expected \(images.dimensions[0]) (one per image in \(imagesURL.lastPathComponent))"
            )
        }
        if let bad = labels.values.first(where: { $0 > 9 }) {
            throw DatasetError(file: labelsURL.path, "label \(bad) out of range, expected 0...9")
        }
        let pixels = images.values.map { Float($0) / 255 }
        let fingerprint = Fingerprint.combine([
            (names.images, Fingerprint.sha256(imageBytes)),
            (names.labels, Fingerprint.sha256(labelBytes)),
        ])
        return ImageSet(
            name: "\(name)/\(split.rawValue)", channels: 1, height: images.dimensions[1], width: images.dimensions[2],
            classCount: 10, pixels: pixels, labels: labels.values.map { Int32($0) }, fingerprint: fingerprint)
    }

    static func locate(_ folder: URL, _ name: String) -> URL {
        let plain = folder.appendingPathComponent(name)
        let gz = folder.appendingPathComponent(name + ".gz")
        return !FileManager.default.fileExists(atPath: plain.path) && FileManager.default.fileExists(atPath: gz.path)
            ? gz : plain
    }
}

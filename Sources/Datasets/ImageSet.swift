/// A labelled image split held in memory: pixels scaled to [0, 1] (byte / 255, correctly rounded) as
/// Float32, row-major per image
/// (channel planes, then rows), labels 0..<classCount.
public struct ImageSet: Sendable {
    /// e.g. "mnist/train", "cifar10-jpeg/test".
    public let name: String
    public let count: Int
    public let channels: Int
    public let height: Int
    public let width: Int
    public let classCount: Int
    public let pixels: [Float]
    public let labels: [Int32]
    /// SHA-256 over the exact files the split was read from (see `Fingerprint.combine`).
    public let fingerprint: String

    public var featureCount: Int { channels * height * width }

    public init(
        name: String, channels: Int, height: Int, width: Int, classCount: Int,
        pixels: [Float], labels: [Int32], fingerprint: String
    ) {
        precondition(
            pixels.count == labels.count * channels * height * width, "ImageSet: pixel count does not match labels")
        self.name = name
        self.count = labels.count
        self.channels = channels
        self.height = height
        self.width = width
        self.classCount = classCount
        self.pixels = pixels
        self.labels = labels
        self.fingerprint = fingerprint
    }

    /// How many examples carry each label.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }

    /// The first `n` examples (training-subset scales); the fingerprint notes the subset.
    public func prefix(_ n: Int) -> ImageSet {
        let n = min(n, count)
        return ImageSet(
            name: name, channels: channels, height: height, width: width, classCount: classCount,
            pixels: Array(pixels[0..<n * featureCount]), labels: Array(labels[0..<n]),
            fingerprint: n == count
                ? fingerprint
                : Fingerprint.combine([(name: "prefix", sha256: String(n)), (name: "source", sha256: fingerprint)]))
    }
}

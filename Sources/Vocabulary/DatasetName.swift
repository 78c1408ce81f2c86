/// The datasets the harness knows, by the names the spec format uses.
public enum DatasetName: String, Sendable, CaseIterable, Codable {
    case mnist
    case fashionMNIST = "fashion-mnist"
    /// The canonical CIFAR-10 binary batches.
    case cifar10
    /// The JPEG re-encoded stand-in (../shared/data/cifar10-jpeg): its own variant and checksums.
    case cifar10JPEG = "cifar10-jpeg"
    case imdb

    /// Whether the set holds images (every set but IMDB's bags of words).
    public var isImageDataset: Bool { self != .imdb }
}

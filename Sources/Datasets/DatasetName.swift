/// The datasets the harness knows, by the names the spec format uses.
public enum DatasetName: String, Sendable, CaseIterable, Codable {
    case mnist
    case fashionMNIST = "fashion-mnist"
    /// The canonical CIFAR-10 binary batches.
    case cifar10
    /// The JPEG re-encoded stand-in (../shared/data/cifar10-jpeg): its own variant and checksums.
    case cifar10JPEG = "cifar10-jpeg"
    case imdb

    /// The files under `data/<name>/` that `make data` installs.
    public var files: [String] {
        switch self {
        case .mnist, .fashionMNIST:
            return [
                "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte",
            ]
        case .cifar10, .cifar10JPEG: return CIFAR10Loader.trainBatches + CIFAR10Loader.testBatches
        case .imdb: return ["train.csv", "test.csv"]
        }
    }

    public var isImageDataset: Bool { self != .imdb }
}

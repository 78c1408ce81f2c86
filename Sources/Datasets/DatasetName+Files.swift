import Vocabulary

extension DatasetName {
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
}

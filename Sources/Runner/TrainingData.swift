import Datasets
import Experiments
import Foundation

/// A run's training and test splits as the model reads them (subsets and whitening applied).
public enum TrainingData: Sendable {
    case images(train: ImageSet, test: ImageSet)
    case bagOfWords(train: BagOfWordsSet, test: BagOfWordsSet)

    public var trainCount: Int {
        switch self {
        case .images(let train, _): return train.count
        case .bagOfWords(let train, _): return train.count
        }
    }

    public var testCount: Int {
        switch self {
        case .images(_, let test): return test.count
        case .bagOfWords(_, let test): return test.count
        }
    }

    /// Fingerprints of exactly what the run trains and evaluates on.
    public var fingerprints: [String: String] {
        switch self {
        case .images(let train, let test): return ["train": train.fingerprint, "test": test.fingerprint]
        case .bagOfWords(let train, let test): return ["train": train.fingerprint, "test": test.fingerprint]
        }
    }
}

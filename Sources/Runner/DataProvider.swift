import Datasets
import Experiments
import Foundation
import Vocabulary

/// Loads each dataset once per process (verified against its checksums) and derives what runs ask
/// for: subsets, ZCA-whitened images (transform cached under data/cache). Thread-safe.
public final class DataProvider: @unchecked Sendable {
    public let catalog: DatasetCatalog
    private let lock = NSLock()
    private var cache: [String: TrainingData] = [:]
    private var verified: Set<DatasetName> = []
    /// What each whitening transform's fingerprint was, for provenance.
    private var whitening: [String: String] = [:]

    public init(catalog: DatasetCatalog) { self.catalog = catalog }

    /// The data for `spec`'s dataset with `training`'s subsets. Loading happens under the lock, so two
    /// workers asking for the same dataset load it once.
    public func data(for data: DataSpec, training: TrainingSpec) throws -> TrainingData {
        let key =
            "\(data.dataset.rawValue)|\(data.zcaEpsilon.map { "\($0)" } ?? "-")|\(data.vocabulary)|\(training.trainingSubset ?? 0)|\(training.testSubset ?? 0)"
        lock.lock()
        defer { lock.unlock() }
        if let hit = cache[key] { return hit }
        if !verified.contains(data.dataset) {
            try catalog.verifyChecksums(data.dataset)
            verified.insert(data.dataset)
        }
        let result: TrainingData
        switch data.dataset {
        case .imdb:
            let (train, test) = try bagOfWords(vocabulary: data.vocabulary)
            result = .bagOfWords(train: subset(train, training.trainingSubset), test: subset(test, training.testSubset))
        default:
            var train = try images(data.dataset, .train), test = try images(data.dataset, .test)
            if let n = training.trainingSubset { train = train.prefix(n) }
            if let n = training.testSubset { test = test.prefix(n) }
            if let epsilon = data.zcaEpsilon {
                let zca = try ZCAWhitening.cached(
                    for: train, epsilon: epsilon, cacheFolder: catalog.root.appendingPathComponent("cache"))
                whitening[key] = zca.fingerprint
                train = zca.apply(to: train)
                test = zca.apply(to: test)
            }
            result = .images(train: train, test: test)
        }
        cache[key] = result
        return result
    }

    public func whiteningFingerprint(for data: DataSpec, training: TrainingSpec) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return whitening[
            "\(data.dataset.rawValue)|\(data.zcaEpsilon.map { "\($0)" } ?? "-")|\(data.vocabulary)|\(training.trainingSubset ?? 0)|\(training.testSubset ?? 0)"
        ]
    }

    private var rawImages: [String: ImageSet] = [:]
    private var rawBags: [Int: (BagOfWordsSet, BagOfWordsSet)] = [:]

    private func images(_ name: DatasetName, _ split: DataSplit) throws -> ImageSet {
        let key = "\(name.rawValue)/\(split.rawValue)"
        if let hit = rawImages[key] { return hit }
        let set = try catalog.images(name, split: split)
        rawImages[key] = set
        return set
    }

    private func bagOfWords(vocabulary: Int) throws -> (BagOfWordsSet, BagOfWordsSet) {
        if let hit = rawBags[vocabulary] { return hit }
        let sets = try catalog.bagOfWords(vocabularySize: vocabulary)
        rawBags[vocabulary] = (sets.train, sets.test)
        return (sets.train, sets.test)
    }

    private func subset(_ set: BagOfWordsSet, _ n: Int?) -> BagOfWordsSet {
        guard let n else { return set }
        return set.balancedSubset(n)
    }
}

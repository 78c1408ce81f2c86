import Datasets
import Experiments
import Foundation
import Synchronization
import Vocabulary

/// Loads each dataset once per process (verified against its checksums) and derives what runs ask
/// for: subsets, ZCA-whitened images (transform cached under data/cache). Thread-safe.
public final class DataProvider: Sendable {
    public let catalog: DatasetCatalog
    /// Everything loaded so far, behind one lock: loading happens under it, so two workers asking
    /// for the same dataset load it once.
    private let loaded = Mutex(Loaded())

    private struct Loaded {
        /// What runs were handed, by `DataProvider.cacheKey`.
        var data: [String: TrainingData] = [:]
        var verified: Set<DatasetName> = []
        /// What each whitening transform's fingerprint was, for provenance, by cache key.
        var whitening: [String: String] = [:]
        /// The splits as read, before subsets and whitening.
        var images: [String: ImageSet] = [:]
        var bags: [Int: (BagOfWordsSet, BagOfWordsSet)] = [:]
    }

    public init(catalog: DatasetCatalog) { self.catalog = catalog }

    /// What determines the data a run gets: the dataset, its whitening and vocabulary, the subsets.
    static func cacheKey(_ data: DataSpec, _ training: TrainingSpec) -> String {
        [
            data.dataset.rawValue, data.zcaEpsilon.map { "\($0)" } ?? "-", "\(data.vocabulary)",
            "\(training.trainingSubset ?? 0)", "\(training.testSubset ?? 0)",
        ].joined(separator: "|")
    }

    /// The data for `spec`'s dataset with `training`'s subsets, loaded and verified once per process.
    public func data(for data: DataSpec, training: TrainingSpec) throws -> TrainingData {
        let key = Self.cacheKey(data, training)
        return try loaded.withLock { loaded in
            if let hit = loaded.data[key] { return hit }
            if !loaded.verified.contains(data.dataset) {
                try catalog.verifyChecksums(data.dataset)
                loaded.verified.insert(data.dataset)
            }
            let result: TrainingData
            switch data.dataset {
            case .imdb:
                let (train, test) = try bagOfWords(vocabulary: data.vocabulary, &loaded)
                result = .bagOfWords(
                    train: subset(train, training.trainingSubset), test: subset(test, training.testSubset))
            default:
                var train = try images(data.dataset, .train, &loaded)
                var test = try images(data.dataset, .test, &loaded)
                if let n = training.trainingSubset { train = train.prefix(n) }
                if let n = training.testSubset { test = test.prefix(n) }
                if let epsilon = data.zcaEpsilon {
                    let zca = try ZCAWhitening.cached(
                        for: train, epsilon: epsilon, cacheFolder: catalog.root.appendingPathComponent("cache"))
                    loaded.whitening[key] = zca.fingerprint
                    train = zca.apply(to: train)
                    test = zca.apply(to: test)
                }
                result = .images(train: train, test: test)
            }
            loaded.data[key] = result
            return result
        }
    }

    public func whiteningFingerprint(for data: DataSpec, training: TrainingSpec) -> String? {
        loaded.withLock { $0.whitening[Self.cacheKey(data, training)] }
    }

    private func images(_ name: DatasetName, _ split: DataSplit, _ loaded: inout Loaded) throws -> ImageSet {
        let key = "\(name.rawValue)/\(split.rawValue)"
        if let hit = loaded.images[key] { return hit }
        let set = try catalog.images(name, split: split)
        loaded.images[key] = set
        return set
    }

    private func bagOfWords(vocabulary: Int, _ loaded: inout Loaded) throws -> (BagOfWordsSet, BagOfWordsSet) {
        if let hit = loaded.bags[vocabulary] { return hit }
        let sets = try catalog.bagOfWords(vocabularySize: vocabulary)
        loaded.bags[vocabulary] = (sets.train, sets.test)
        return (sets.train, sets.test)
    }

    private func subset(_ set: BagOfWordsSet, _ n: Int?) -> BagOfWordsSet {
        guard let n else { return set }
        return set.balancedSubset(n)
    }
}

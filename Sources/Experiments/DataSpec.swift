import Vocabulary

/// The dataset a spec trains on and its preprocessing.
public struct DataSpec: Sendable, Hashable, Codable {
    public var dataset: DatasetName
    /// ZCA whitening regularizer for image data (nil = no whitening). PAPER.md: 0.1 for the CNN.
    public var zcaEpsilon: Double?
    /// Bag-of-words vocabulary size (IMDB: 10,000).
    public var vocabulary: Int
}

/// Training protocol: epochs, batches, seeds, evaluation and logging, divergence.
public struct TrainingSpec: Sendable, Hashable, Codable {
    public var epochs: Int
    public var batchSize: Int
    public var seeds: [UInt64]
    /// Log the minibatch loss every this many steps (0 = never).
    public var logEvery: Int
    /// A training loss above this (or NaN/Inf) stops a run as diverged.
    public var divergenceThreshold: Double
    /// Use only the first N training / test examples (nil = all).
    public var trainingSubset: Int?
    public var testSubset: Int?
}

/// How the best setting of each optimizer is chosen (PAPER.md §2 [our default]): the lowest mean
/// of `metric` over the last `lastFraction` of the epochs (at least the final epoch).
public struct SelectionRule: Sendable, Hashable, Codable {
    public var metric: MetricName
    public var lastFraction: Double

    /// A finished run's score: `windowMean` of its `metric` curve (index = epoch).
    public func score(_ curve: [Double]) -> Double { Self.windowMean(curve, lastFraction: lastFraction) }

    /// Mean of the last `lastFraction` of the epochs 1...E of `curve` (index = epoch), at least the
    /// final value; 0 means the final value alone; `epochs` cuts the curve at that epoch first. NaN
    /// for an empty curve.
    public static func windowMean(_ curve: [Double], lastFraction: Double, epochs limit: Int? = nil) -> Double {
        var values = curve
        if let limit, values.count > limit + 1 { values = Array(values.prefix(limit + 1)) }
        let epochs = values.count - 1
        guard epochs >= 0 else { return .nan }
        guard epochs >= 1 else { return values[0] }
        let k = max(1, Int((lastFraction * Double(epochs)).rounded(.up)))
        let window = values[(epochs - k + 1)...epochs]
        return window.reduce(0, +) / Double(window.count)
    }
}

extension DataSpec {
    /// Examples per split of the dataset, for cost estimates without loading the data.
    public var splitSizes: (train: Int, test: Int) {
        switch dataset {
        case .mnist, .fashionMNIST: (60_000, 10_000)
        case .cifar10, .cifar10JPEG: (50_000, 10_000)
        case .imdb: (25_000, 25_000)
        }
    }
}

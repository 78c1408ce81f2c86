import Datasets

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
    public var metric: String
    public var lastFraction: Double
}

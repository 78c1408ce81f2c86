import Optimizers

/// A named scale (`smoke`, `quick`, `paper`, ...): overrides of the spec's protocol, so that one file
/// serves CI, a quick look and the full reproduction. Fields left out keep the spec's values.
public struct ScaleProfile: Sendable, Hashable, Codable {
    public var epochs: Int?
    public var trainingSubset: Int?
    public var testSubset: Int?
    public var seeds: [UInt64]?
    /// Optimizer label -> replacement grid axes (hyperparameter -> values).
    public var grids: [String: [OptimizerEntry.GridAxis]]
    /// Only these optimizer labels (nil = all).
    public var optimizers: [String]?
    /// Fields replacing the spec's tuning protocol at this scale.
    public var tuning: TuningProtocol?

    public init() { grids = [:] }
}

import Optimizers

/// One optimizer of a spec: a label (unique in the spec, how reports name it), the optimizer, an
/// optional preset, and hyperparameters of which any may be a list (a grid axis).
public struct OptimizerEntry: Sendable, Hashable, Codable {
    public var label: String
    public var optimizer: OptimizerKind
    public var preset: Preset?
    /// Hyperparameter -> its values (one value = fixed; several = a grid axis), in spec order.
    public var grid: [GridAxis]

    public struct GridAxis: Sendable, Hashable, Codable {
        public var name: String
        public var values: [HyperparameterValue]
    }

    /// Every combination of the axes (cartesian product, the first axis varying slowest).
    public func settings() -> [[String: HyperparameterValue]] {
        var result: [[String: HyperparameterValue]] = [[:]]
        for axis in grid {
            result = result.flatMap { partial in axis.values.map { value in partial.merging([axis.name: value]) { $1 } }
            }
        }
        return result
    }
}

/// One recorded value of a run: a metric name, the optimizer step it was taken at (0 = before the
/// first step), the epoch (fractional for minibatch losses), the value, and the training wall time.
///
/// Values may be NaN or infinite (a diverging run); they are stored explicitly (SQLite would read a
/// NaN back as NULL).
public struct MetricPoint: Sendable, Equatable {
    public let name: String
    public let step: Int
    public let epoch: Double
    public let value: Double
    public let wallSeconds: Double

    public init(name: String, step: Int, epoch: Double, value: Double, wallSeconds: Double) {
        self.name = name
        self.step = step
        self.epoch = epoch
        self.value = value
        self.wallSeconds = wallSeconds
    }

    /// (value column, nonfinite column).
    var stored: (Double?, String?) {
        if value.isNaN { return (nil, "nan") }
        if value == .infinity { return (nil, "inf") }
        if value == -.infinity { return (nil, "-inf") }
        return (value, nil)
    }

    static func value(stored: Double?, nonfinite: String?) -> Double {
        switch nonfinite {
        case "nan": return .nan
        case "inf": return .infinity
        case "-inf": return -.infinity
        default: return stored ?? .nan
        }
    }

    /// Metric names the runner records.
    public static let trainLoss = "train_loss", objective = "objective", testLoss = "test_loss"
    public static let trainAccuracy = "train_accuracy", testAccuracy = "test_accuracy"
    public static let minibatchLoss = "minibatch_loss", minibatchLossMean = "minibatch_loss_mean"
}

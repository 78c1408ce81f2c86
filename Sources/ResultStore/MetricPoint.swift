/// One recorded value of a run: a metric name, the optimizer step it was taken at (0 = before the
/// first step), the epoch (fractional for minibatch losses), the value, and the training wall time.
///
/// Values may be NaN or infinite (a diverging run); they are stored exactly, as their IEEE-754 bits
/// (SQLite would read a NaN back as NULL and a -0.0 back as 0).
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

    /// The `value` column (readable in SQL; NULL for NaN, which SQLite cannot hold, and +-0 and
    /// infinities as SQLite keeps them) and the `bits` column: the exact IEEE-754 bit pattern, from
    /// which values are read back.
    var stored: (value: Double?, bits: Int64) {
        (value.isNaN ? nil : value, Int64(bitPattern: value.bitPattern))
    }

    static func value(bits: Int64) -> Double { Double(bitPattern: UInt64(bitPattern: bits)) }

    /// Metric names the runner records.
    public static let trainLoss = "train_loss", objective = "objective", testLoss = "test_loss"
    public static let trainAccuracy = "train_accuracy", testAccuracy = "test_accuracy"
    public static let minibatchLoss = "minibatch_loss", minibatchLossMean = "minibatch_loss_mean"
    /// Quasi-Newton runs (SFO, L-BFGS), at epoch ends: minibatch (subfunction) evaluations so far,
    /// bytes the optimizer allocated, and the process's peak resident set size.
    public static let objectiveEvaluations = "objective_evaluations", optimizerMemoryBytes = "optimizer_memory_bytes"
    public static let peakResidentBytes = "peak_rss_bytes"
    /// Adam-family runs, at epoch ends: the fraction of coordinates with sqrt(v̂) < ε (the paper's
    /// claim that the second-moment estimate vanishes and ε dominates, Section 6.3).
    public static let secondMomentBelowEpsilon = "second_moment_below_epsilon"
    /// Metrics for which higher is better (claims and selections compare them with the sign
    /// turned); every other metric is a cost.
    public static let higherIsBetter: Set<String> = [trainAccuracy, testAccuracy]
    /// Metrics that measure the machine rather than the run (memory of the whole process, which
    /// depends on the runs beside it): recorded, but left out of curve hashes.
    public static let machineDependent: Set<String> = [peakResidentBytes]

    /// Epoch-end curves of `points` (metric name -> value per epoch, index = epoch rounded, NaN
    /// where an epoch has no point); minibatch losses (fractional epochs) left out. The one reading
    /// of stored points as curves, for reports and for the staged plan's selection alike.
    public static func epochCurves(_ points: [MetricPoint]) -> [String: [Double]] {
        var curves: [String: [Double]] = [:]
        for point in points where point.name != minibatchLoss {
            let epoch = Int(point.epoch.rounded())
            var values = curves[point.name] ?? []
            while values.count <= epoch { values.append(.nan) }
            values[epoch] = point.value
            curves[point.name] = values
        }
        return curves
    }
}

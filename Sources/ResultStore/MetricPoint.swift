import Vocabulary

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

    /// A point of `metric`.
    public init(_ metric: MetricName, step: Int, epoch: Double, value: Double, wallSeconds: Double) {
        self.init(name: metric.rawValue, step: step, epoch: epoch, value: value, wallSeconds: wallSeconds)
    }

    /// The metric, when its name is one this version knows (a newer AdamBench may record others).
    public var metric: MetricName? { MetricName(rawValue: name) }

    /// Epoch-end curves of `points` (metric -> value per epoch, index = epoch rounded, NaN where an
    /// epoch has no point); minibatch losses (fractional epochs) and metrics this version does not
    /// know left out. The one reading of stored points as curves, for reports and for the staged
    /// plan's selection alike.
    public static func epochCurves(_ points: [MetricPoint]) -> [MetricName: [Double]] {
        var curves: [MetricName: [Double]] = [:]
        for point in points {
            guard let metric = point.metric, metric != .minibatchLoss else { continue }
            let epoch = Int(point.epoch.rounded())
            var values = curves[metric] ?? []
            while values.count <= epoch { values.append(.nan) }
            values[epoch] = point.value
            curves[metric] = values
        }
        return curves
    }
}

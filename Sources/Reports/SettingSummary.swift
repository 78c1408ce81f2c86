import Experiments

/// One grid point of one optimizer: its runs over seeds and its selection score.
public struct SettingSummary: Sendable {
    public let label: String
    public let settingJSON: String
    /// Finished runs, in seed order.
    public let runs: [ReportRun]
    public let total: Int
    public let diverged: Int
    /// Mean over seeds of the selection metric's mean over the last fraction of the horizon;
    /// +infinity when a run diverged, NaN when no run has finished.
    public let score: Double

    public var seeds: [UInt64] { runs.map(\.record.seed) }
}

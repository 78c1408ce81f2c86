import Synchronization

/// How fast runs go here compared with `CostModel`: the wall seconds of the epochs trained so far
/// over the model's estimate for the same epochs,
///
///     r = Σ measured / Σ estimated,
///
/// so the remaining part of a run the model estimates at s seconds, e of its E epochs done, is
/// expected to take r · s · (1 − e / E) here. The model is calibrated on one host; `--time-limit`
/// admits runs on this expectation, so on a slower host (or beside other work) a run that cannot
/// finish before the limit does not start, and on a faster one more runs fit.
///
/// r is kept per optimizer of an experiment (`group`) as well as over all epochs: on one host the
/// same model can run at very different paces by optimizer (docs/PERFORMANCE.md: AdaDelta's
/// subnormal state costs an Intel core ~3x, Adam's runs go at the model's pace). A run is priced at
/// its group's r once `evidenceSeconds` of the group's epochs are measured, else at the overall r
/// once as many are measured overall, else at 1 (the model alone). `plan` feeds it whole recorded
/// runs (their training seconds against the model's estimate) with no evidence floor.
///
/// An epoch's measured seconds are the wall time since the run's previous epoch ended (for its
/// first epoch, since its data was ready: the initial evaluation included, as in the model's
/// calibration, but not the one-time loading of a dataset a process's runs share); its estimated
/// seconds are the run's estimate over its epochs.
public final class Pace: Sendable {
    /// The measured epoch seconds below which a ratio is not used, unless a pace says otherwise.
    public static let evidenceSeconds = 60.0

    private struct Sums {
        var measured = 0.0, estimated = 0.0

        func ratio(evidence: Double) -> Double? {
            estimated > 0 && measured >= evidence ? measured / estimated : nil
        }
    }

    /// The measured seconds a ratio needs before it is used.
    public let evidence: Double
    private let sums = Mutex((all: Sums(), groups: [String: Sums]()))

    public init(evidenceSeconds: Double = Pace.evidenceSeconds) { evidence = evidenceSeconds }

    /// The group a run's pace is kept under: its experiment and optimizer label.
    public static func group(_ run: PlannedRun) -> String { "\(run.experiment)\t\(run.label)" }

    /// Records one epoch of a run of `group`: `measured` wall seconds against the model's
    /// `estimated` ones. Values that are not finite, negative, or (for `estimated`) zero are ignored.
    public func record(measured: Double, estimated: Double, group: String) {
        guard measured.isFinite, estimated.isFinite, measured >= 0, estimated > 0 else { return }
        sums.withLock {
            $0.all.measured += measured
            $0.all.estimated += estimated
            $0.groups[group, default: Sums()].measured += measured
            $0.groups[group, default: Sums()].estimated += estimated
        }
    }

    /// The model's estimate of one epoch of `run`: its whole estimate over its epochs.
    public static func estimatedEpochSeconds(_ run: PlannedRun) -> Double {
        CostModel.estimatedSeconds(run) / Double(max(run.training.epochs, 1))
    }

    /// r over every epoch recorded, or 1 until `evidence` seconds are measured.
    public var factor: Double { sums.withLock { $0.all.ratio(evidence: evidence) ?? 1 } }

    /// r for a run of `group`: the group's, else the overall one, else 1.
    public func factor(group: String) -> Double {
        sums.withLock { $0.groups[group]?.ratio(evidence: evidence) ?? $0.all.ratio(evidence: evidence) ?? 1 }
    }

    /// `group`'s own r, or nil until `evidence` seconds of it are measured.
    public func ratio(group: String) -> Double? {
        sums.withLock { $0.groups[group]?.ratio(evidence: evidence) }
    }

    /// The measured seconds so far (all epochs recorded).
    public var measuredSeconds: Double { sums.withLock { $0.all.measured } }

    /// The expected wall seconds here of what is left of `run` after `epochsDone` epochs:
    /// r · s · (1 − e / E), r of the run's group.
    public func expectedSeconds(_ run: PlannedRun, epochsDone: Int) -> Double {
        let left = 1 - Double(epochsDone) / Double(max(run.training.epochs, 1))
        return factor(group: Self.group(run)) * CostModel.estimatedSeconds(run) * max(left, 0)
    }
}

import Synchronization

/// How fast runs go here compared with `CostModel`: the wall seconds of the epochs trained so far
/// over the model's estimate for the same epochs,
///
///     r = Σ measured / Σ estimated,
///
/// so the remaining part of a run the model estimates at s seconds, e of its E epochs done, is
/// expected to take r · s · (1 − e / E) here. The model is calibrated on one host; `--time-limit`
/// admits runs on this expectation, so on a slower host (or beside other work) a run that cannot
/// finish before the limit does not start, and on a faster one more runs fit. Until
/// `evidenceSeconds` of epochs are measured, r is 1 (the model alone).
///
/// An epoch's measured seconds are the wall time since the run's previous epoch ended (for its
/// first epoch, since the run started: data loading and the initial evaluation included, as in the
/// model's calibration); its estimated seconds are the run's estimate over its epochs.
public final class Pace: Sendable {
    /// The measured epoch seconds below which the model is taken as it is.
    public static let evidenceSeconds = 60.0

    private let sums = Mutex((measured: 0.0, estimated: 0.0))

    public init() {}

    /// Records one epoch: `measured` wall seconds against the model's `estimated` ones. Values that
    /// are not finite, negative, or (for `estimated`) zero are ignored.
    public func record(measured: Double, estimated: Double) {
        guard measured.isFinite, estimated.isFinite, measured >= 0, estimated > 0 else { return }
        sums.withLock {
            $0.measured += measured
            $0.estimated += estimated
        }
    }

    /// The model's estimate of one epoch of `run`: its whole estimate over its epochs.
    public static func estimatedEpochSeconds(_ run: PlannedRun) -> Double {
        CostModel.estimatedSeconds(run) / Double(max(run.training.epochs, 1))
    }

    /// r: measured over estimated seconds, or 1 until `evidenceSeconds` are measured.
    public var factor: Double {
        sums.withLock { $0.measured < Self.evidenceSeconds ? 1 : $0.measured / $0.estimated }
    }

    /// The measured seconds so far (all epochs recorded).
    public var measuredSeconds: Double { sums.withLock { $0.measured } }

    /// The expected wall seconds here of what is left of `run` after `epochsDone` epochs:
    /// r · s · (1 − e / E).
    public func expectedSeconds(_ run: PlannedRun, epochsDone: Int) -> Double {
        let left = 1 - Double(epochsDone) / Double(max(run.training.epochs, 1))
        return factor * CostModel.estimatedSeconds(run) * max(left, 0)
    }
}

import Plan
import ResultStore
import Runner

/// How long a plan's finished runs took on this CPU against the cost model: the recorded training
/// seconds over the model's estimates for the same runs,
///
///     r = Σ train_seconds / Σ estimate,
///
/// over the completed runs of the plan whose provenance names this CPU (`Provenance.thisCPU`, with
/// its family and model numbers). The model is calibrated on one host; `plan` prices what is left
/// at r as well, since hosts differ by more than the kernel set (docs/PERFORMANCE.md: subnormal
/// arithmetic costs Intel cores a microcode assist). Diverged runs stop early and are left out.
struct RecordedPace {
    let cpu: String
    private(set) var runs = 0
    private(set) var measuredSeconds = 0.0, estimatedSeconds = 0.0

    init(cpu: String = Provenance.thisCPU) { self.cpu = cpu }

    /// Counts `record` when it completed on this CPU; `run` is its planned form.
    mutating func add(_ record: RunRecord, _ run: PlannedRun) throws {
        guard record.status == .completed, record.trainSeconds > 0,
            let provenance = try RunProvenance(record: record), provenance.base.cpu == cpu
        else { return }
        runs += 1
        measuredSeconds += record.trainSeconds
        estimatedSeconds += CostModel.estimatedSeconds(run)
    }

    /// r, or nil before any run of the plan completed on this CPU.
    var factor: Double? { runs > 0 && estimatedSeconds > 0 ? measuredSeconds / estimatedSeconds : nil }
}

import Plan
import ResultStore
import Runner

/// How long a plan's finished runs took on this CPU against the cost model: per optimizer of a spec
/// (`Pace.group`) and over all of them, the recorded training seconds over the model's estimates
/// for the same runs,
///
///     r = Σ train_seconds / Σ estimate,
///
/// over the completed runs of the plan whose provenance names this CPU (`Provenance.thisCPU`, with
/// its family and model numbers). The model is calibrated on one host; `plan` prices what is left
/// at r as well, since hosts differ by more than the kernel set, and by optimizer on one host
/// (docs/PERFORMANCE.md: subnormal arithmetic costs Intel cores a microcode assist, so AdaDelta's
/// runs can take 3x the estimate where Adam's take less than it). A remaining run is priced at its
/// optimizer's r, else the overall r. Diverged runs stop early and are left out.
struct RecordedPace {
    let cpu: String
    /// Whole recorded runs: no evidence floor (`Pace.evidenceSeconds` is for single epochs).
    private let pace = Pace(evidenceSeconds: 0)
    private(set) var runs = 0

    init(cpu: String = Provenance.thisCPU) { self.cpu = cpu }

    /// Counts `record` when it completed on this CPU; `run` is its planned form.
    mutating func add(_ record: RunRecord, _ run: PlannedRun) throws {
        guard record.status == .completed, record.trainSeconds > 0,
            let provenance = try RunProvenance(record: record), provenance.base.cpu == cpu
        else { return }
        runs += 1
        pace.record(measured: record.trainSeconds, estimated: CostModel.estimatedSeconds(run), group: Pace.group(run))
    }

    /// The overall r, or nil before any run of the plan completed on this CPU.
    var factor: Double? { runs > 0 ? pace.factor : nil }

    /// The training seconds of the runs counted.
    var measuredSeconds: Double { pace.measuredSeconds }

    /// The r of `run`'s optimizer alone, or nil before one of its runs completed on this CPU.
    func ratio(_ run: PlannedRun) -> Double? { pace.ratio(group: Pace.group(run)) }

    /// The r `run` is priced at: its optimizer's, else the overall one, else 1 (the model alone).
    func factor(_ run: PlannedRun) -> Double { pace.factor(group: Pace.group(run)) }

    /// The seconds `run` is expected to take here from its start: `factor(run)` times the model.
    func expectedSeconds(_ run: PlannedRun) -> Double { pace.expectedSeconds(run, epochsDone: 0) }
}

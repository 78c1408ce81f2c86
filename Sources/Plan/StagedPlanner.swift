import Experiments
import Foundation
import ResultStore
import Synchronization

/// The staged plans of one `run` invocation, resolved against the store as runs finish: reads each
/// finished run's outcome (status and selection score) once, registers the runs each new stage
/// adds, and hands the executor the whole plan (`RunExecutor.execute(_:replan:)`).
public final class StagedPlanner: Sendable {
    /// A spec with the dataset fingerprint its runs are keyed to.
    public struct Entry: Sendable {
        public let spec: ExperimentSpec
        public let datasetFingerprint: String

        public init(spec: ExperimentSpec, datasetFingerprint: String) {
            self.spec = spec
            self.datasetFingerprint = datasetFingerprint
        }
    }

    let entries: [Entry]
    let scale: String
    let blasKernels: String
    /// Where outcomes are read and new runs registered; nil: nothing has run yet.
    let store: ResultStore?
    /// What the planner has learnt, behind one lock: `resolve` holds it throughout, so two workers
    /// re-planning at once register each new run once.
    private let state = Mutex(State())

    private struct State {
        /// Outcomes of finished runs (they never change), by key.
        var outcomes: [String: StageOutcome] = [:]
        /// Keys this planner has registered in the store.
        var registered: Set<String> = []
    }

    /// Whether `resolve()` registers new runs in the store (false: a read-only look, `plan`).
    let registersRuns: Bool
    /// Further databases whose finished runs decide stages too (a campaign's merged shards), read only.
    let outcomeSources: [ResultStore]

    public init(
        entries: [Entry], scale: String, blasKernels: String, store: ResultStore?, registersRuns: Bool = true,
        outcomeSources: [ResultStore] = []
    ) {
        self.outcomeSources = outcomeSources
        self.entries = entries
        self.scale = scale
        self.blasKernels = blasKernels
        self.store = store
        self.registersRuns = registersRuns
    }

    /// Forgets the outcomes read so far (after `--force` reset the runs).
    public func forgetOutcomes() {
        state.withLock { $0.outcomes = [:] }
    }

    /// Every spec's plan as the finished runs decide it, its new runs registered in the store.
    public func resolve() throws -> [(ExperimentSpec, StagedPlan)] {
        try state.withLock { state in
            try entries.map { entry in
                var failure: Error?
                let plan = try StagedPlan.resolve(
                    entry.spec, scale: scale, datasetFingerprint: entry.datasetFingerprint, blasKernels: blasKernels
                ) { key in
                    do { return try outcome(key, rule: entry.spec.selection, known: &state.outcomes) } catch {
                        failure = failure ?? error
                        return nil
                    }
                }
                if let failure { throw failure }
                let new = plan.runs.filter { !state.registered.contains($0.key) }
                if registersRuns, let store, !new.isEmpty {
                    try store.ensureRuns(new.map { try $0.newRun() })
                    state.registered.formUnion(new.map(\.key))
                }
                return (entry.spec, plan)
            }
        }
    }

    /// The runs of `resolve()` by key.
    public func plans() throws -> [String: PlannedRun] {
        var plans: [String: PlannedRun] = [:]
        for (_, plan) in try resolve() {
            for run in plan.runs { plans[run.key] = run }
        }
        return plans
    }

    /// A run's outcome from `known` or else from the stores (remembered in `known` once finished).
    private func outcome(
        _ key: String, rule: SelectionRule, known: inout [String: StageOutcome]
    ) throws -> StageOutcome? {
        if let outcome = known[key] { return outcome }
        for source in (store.map { [$0] } ?? []) + outcomeSources {
            guard let record = try source.runs(keys: [key]).first else { continue }
            let outcome: StageOutcome
            switch record.status {
            case .completed:
                let points = try source.metrics(runID: record.id, metric: rule.metric)
                outcome = .completed(score: rule.score(MetricPoint.epochCurves(points)[rule.metric] ?? []))
            case .diverged: outcome = .diverged
            default: continue
            }
            known[key] = outcome
            return outcome
        }
        return nil
    }

    /// Whether a run finished in one of the outcome sources (not this process's own store).
    public func finishedElsewhere(_ key: String) throws -> Bool {
        try outcomeSources.contains { source in
            try source.runs(keys: [key]).first.map { $0.status == .completed || $0.status == .diverged } ?? false
        }
    }
}

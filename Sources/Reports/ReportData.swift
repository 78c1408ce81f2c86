import Experiments
import Foundation
import Plan
import ResultStore
import Vocabulary

/// One experiment at one scale as the reporter sees it: the spec (from the database's copy), every
/// run with its per-epoch curves.
public struct ExperimentResults: Sendable {
    public let spec: ExperimentSpec
    public let scale: String
    public let runs: [ReportRun]
    /// Runs recorded for this experiment and scale whose keys the spec's current plan no longer makes
    /// (an earlier version of the spec, or of the numerics): kept in the store, left out of the report.
    public var supersededCount = 0
    /// The OpenBLAS kernel set the reported runs were computed under (lower-case), nil for a model
    /// that never calls OpenBLAS.
    public var blasKernels: String?
    /// Finished runs (completed or diverged) of the same plan under other kernel sets, by set: kept
    /// apart, never mixed in. A set whose runs of the plan are all unfinished (rows a stopped
    /// campaign left pending) is not listed: nothing was computed under it.
    public var otherKernelSets: [String: Int] = [:]
    /// The spec's staged plan resolved against these runs (nil when the recorded spec no longer
    /// plans at this scale: then every recorded run is shown, selected over all its seeds).
    public var stages: StagedPlan?

    public var isComplete: Bool { runs.allSatisfy { $0.record.status == .completed || $0.record.status == .diverged } }
    public var finishedCount: Int {
        runs.filter { $0.record.status == .completed || $0.record.status == .diverged }.count
    }
}

/// A run with its epoch-end curves (metric -> value per epoch 0...epochsCompleted).
public struct ReportRun: Sendable {
    public let record: RunRecord
    public let curves: [MetricName: [Double]]
    /// Training seconds at each epoch end (index = epoch), from the training-loss points.
    public var trainSeconds: [Double] = []

    public var isDiverged: Bool { record.status == .diverged }
    public var isFinished: Bool { record.status == .completed || record.status == .diverged }

    /// A completed run that made no progress after its first epoch: its full-pass training loss at
    /// the end, L_T, is not 1% below the loss after epoch 1, L_T >= 0.99 L_1 (T >= 2). Such a run
    /// neither diverged nor learned: a CNN that collapsed to the uniform prediction in epoch 1
    /// reads ln 10 from then on, and its score ranks it last without the divergence rule flagging
    /// it. The first epoch is left out because it holds the drop from the initial weights' loss to
    /// that plateau. False for runs shorter than 2 epochs.
    public var isStalled: Bool {
        let loss = curve(MetricName.trainLoss)
        guard record.status == .completed, loss.count >= 3, let end = loss.last else { return false }
        let afterFirst = loss[1]
        guard afterFirst.isFinite, end.isFinite else { return false }
        return end >= Self.stalledFraction * afterFirst
    }

    /// The fraction of its loss after epoch 1 a run must get below to count as learning.
    public static let stalledFraction = 0.99

    /// The run's outcome as the staged plan sees it: nil until it finished.
    public func stageOutcome(_ rule: SelectionRule) -> StageOutcome? {
        switch record.status {
        case .completed: .completed(score: rule.score(curve(rule.metric)))
        case .diverged: .diverged
        default: nil
        }
    }

    /// The epoch-end values of `metric` (index = epoch). Diverged runs' curves stop where they stopped.
    public func curve(_ metric: MetricName) -> [Double] { curves[metric] ?? [] }
}

extension ExperimentResults {
    /// Every (experiment, scale) in the store, in name then scale order; `experiments` filters by name.
    ///
    /// The runs reported are those of the spec's staged plan (`StagedPlan`) resolved against the
    /// recorded outcomes: the tuning runs, the extensions they led to and the selected settings'
    /// confirm runs. Runs computed under different OpenBLAS kernel sets have different keys and
    /// are never mixed: for a model that calls OpenBLAS the report takes the runs of one kernel
    /// set, `blasKernels` if given, else the set with the most finished runs of the current plan
    /// (ties: a set other than the reference, then by name), and counts the others. A tie means a
    /// plan complete under two sets: the reference set's keys are the legacy ones, so the other
    /// set is the one the experiment was re-run to move to. The choice depends only on the
    /// database.
    public static func load(
        from store: ResultStore, experiments: [String]? = nil,
        blasKernels: String? = nil
    ) throws -> [ExperimentResults] {
        var out: [ExperimentResults] = []
        for experiment in try store.experiments() where experiments?.contains(experiment.name) ?? true {
            let (name, specText) = (experiment.name, experiment.specText)
            let spec = try SpecParser.parse(specText, file: "\(name) (as recorded in the database)")
            let records = try store.runs(experiment: name)
            for scale in Set(records.map(\.scale)).sorted() {
                let recorded = try records.filter { $0.scale == scale }.map { try reportRun($0, store: store) }
                let choice = try select(spec, scale: scale, recorded: recorded, blasKernels: blasKernels)
                var results = ExperimentResults(spec: spec, scale: scale, runs: choice.runs)
                results.stages = choice.stages
                results.blasKernels = choice.kernels
                let finishedElsewhere = choice.others.mapValues { $0.filter(\.isFinished).count }
                results.otherKernelSets = finishedElsewhere.filter { $0.value > 0 }
                results.supersededCount =
                    recorded.count - choice.runs.count - choice.others.values.map(\.count).reduce(0, +)
                if !choice.runs.isEmpty { out.append(results) }
            }
        }
        return out
    }

    /// The reported kernel set, its runs of the current plan and that plan, and the plan's recorded
    /// runs under each other set.
    struct KernelChoice {
        var kernels: String?
        var runs: [ReportRun]
        var stages: StagedPlan?
        var others: [String: [ReportRun]]
    }

    static func select(
        _ spec: ExperimentSpec, scale: String, recorded: [ReportRun], blasKernels: String?
    ) throws -> KernelChoice {
        let reference = RunPlan.referenceKernelSet
        guard spec.model.kind.callsBLAS else {
            guard let (stages, runs) = try planned(spec, scale: scale, recorded: recorded, kernels: reference) else {
                return KernelChoice(kernels: nil, runs: recorded, stages: nil, others: [:])
            }
            return KernelChoice(kernels: nil, runs: runs, stages: stages, others: [:])
        }
        let recordedKernels = try Dictionary(
            recorded.map { ($0.record.id, try RunProvenance(record: $0.record)?.kernelSet) },
            uniquingKeysWith: { a, _ in a })
        var candidates = Set(recordedKernels.values.compactMap { $0 })
        candidates.insert(reference)
        if let blasKernels { candidates.insert(blasKernels.lowercased()) }
        var byKernels: [String: (StagedPlan, [ReportRun])] = [:]
        for kernels in candidates {
            // A run's key names its kernel set; its provenance must agree (a run recorded before
            // the set was part of the key, under a set the user chose, is left out).
            let agreeing = recorded.filter {
                recordedKernels[$0.record.id].flatMap { $0 }.map { $0 == kernels } ?? true
            }
            // No run under this set (the reference set on a machine of another family): nothing
            // to plan against.
            if agreeing.isEmpty { continue }
            guard let plan = try planned(spec, scale: scale, recorded: agreeing, kernels: kernels) else {
                // The recorded spec no longer plans at this scale.
                return KernelChoice(kernels: nil, runs: recorded, stages: nil, others: [:])
            }
            byKernels[kernels] = plan
        }
        // Most finished runs, then most runs, then a set other than the reference; among equals the
        // first by name.
        func rank(_ kernels: String) -> (Int, Int, Int) {
            let runs = byKernels[kernels]?.1 ?? []
            return (runs.filter(\.isFinished).count, runs.count, kernels == reference ? 0 : 1)
        }
        let chosen = blasKernels?.lowercased() ?? candidates.sorted().max { rank($0) < rank($1) } ?? reference
        let others = byKernels.filter { $0.key != chosen && !$0.value.1.isEmpty }.mapValues(\.1)
        return KernelChoice(
            kernels: chosen, runs: byKernels[chosen]?.1 ?? [], stages: byKernels[chosen]?.0, others: others)
    }

    /// The current staged plan under `kernels`, resolved against the recorded outcomes, and the
    /// recorded runs it contains; of the dataset fingerprints the runs were recorded with, the one
    /// whose plan holds most of them (ties: by fingerprint). Nil when the spec no longer defines
    /// the scale; any other planning failure is thrown.
    static func planned(
        _ spec: ExperimentSpec, scale: String, recorded: [ReportRun], kernels: String
    ) throws -> (StagedPlan, [ReportRun])? {
        let byKey = Dictionary(recorded.map { ($0.record.key, $0) }, uniquingKeysWith: { a, _ in a })
        var best: (StagedPlan, [ReportRun], String)? = nil
        for fingerprint in Set(recorded.map(\.record.datasetSHA256)).sorted() {
            let plan: StagedPlan
            do {
                plan = try StagedPlan.resolve(
                    spec, scale: scale, datasetFingerprint: fingerprint, blasKernels: kernels,
                    outcome: { byKey[$0]?.stageOutcome(spec.selection) })
            } catch RunPlan.Failure.undefinedScale {
                return nil
            }
            let keys = Set(plan.runs.map(\.key))
            let runs = recorded.filter { keys.contains($0.record.key) }
            if best == nil || runs.count > best!.1.count { best = (plan, runs, fingerprint) }
        }
        return best.map { ($0.0, $0.1) }
    }

    static func reportRun(_ record: RunRecord, store: ResultStore) throws -> ReportRun {
        let points = try store.metrics(runID: record.id)
        var seconds: [Double] = []
        for point in points where point.metric == .trainLoss {
            let epoch = Int(point.epoch.rounded())
            while seconds.count <= epoch { seconds.append(.nan) }
            seconds[epoch] = point.wallSeconds
        }
        return ReportRun(record: record, curves: MetricPoint.epochCurves(points), trainSeconds: seconds)
    }
}

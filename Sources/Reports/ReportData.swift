import Experiments
import Foundation
import ResultStore

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
    /// Runs of the same plan computed under other kernel sets, by set: kept apart, never mixed in.
    public var otherKernelSets: [String: Int] = [:]

    public var isComplete: Bool { runs.allSatisfy { $0.record.status == .completed || $0.record.status == .diverged } }
    public var finishedCount: Int {
        runs.filter { $0.record.status == .completed || $0.record.status == .diverged }.count
    }
}

/// A run with its epoch-end curves (metric name -> value per epoch 0...epochsCompleted).
public struct ReportRun: Sendable {
    public let record: RunRecord
    public let curves: [String: [Double]]
    /// Training seconds at each epoch end (index = epoch), from the training-loss points.
    public var trainSeconds: [Double] = []

    public var isDiverged: Bool { record.status == .diverged }
    public var isFinished: Bool { record.status == .completed || record.status == .diverged }

    /// The epoch-end values of `metric` (index = epoch). Diverged runs' curves stop where they stopped.
    public func curve(_ metric: String) -> [Double] { curves[metric] ?? [] }
}

extension ExperimentResults {
    /// Every (experiment, scale) in the store, in name then scale order; `experiments` filters by name.
    ///
    /// Runs computed under different OpenBLAS kernel sets have different keys and are never mixed:
    /// for a model that calls OpenBLAS the report takes the runs of one kernel set, `blasKernels`
    /// if given, else the set with the most finished runs of the current plan (ties: the reference
    /// set, then by name), and counts the others. The choice depends only on the database.
    public static func load(
        from store: ResultStore, experiments: [String]? = nil,
        blasKernels: String? = nil
    ) throws -> [ExperimentResults] {
        var out: [ExperimentResults] = []
        for (name, _, specText) in try store.experiments() where experiments?.contains(name) ?? true {
            let spec = try SpecParser.parse(specText, file: "\(name) (as recorded in the database)")
            let records = try store.runs(experiment: name)
            for scale in Set(records.map(\.scale)).sorted() {
                let recorded = records.filter { $0.scale == scale }
                let (kernels, kept, others) = try select(
                    spec, scale: scale, recorded: recorded, blasKernels: blasKernels)
                let runs = try kept.map { try reportRun($0, store: store) }
                var results = ExperimentResults(spec: spec, scale: scale, runs: runs)
                results.blasKernels = kernels
                results.otherKernelSets = others.mapValues(\.count)
                results.supersededCount = recorded.count - kept.count - others.values.reduce(0) { $0 + $1.count }
                if !runs.isEmpty { out.append(results) }
            }
        }
        return out
    }

    /// The kernel set to report, its runs of the current plan, and the plan's runs under other sets.
    static func select(
        _ spec: ExperimentSpec, scale: String, recorded: [RunRecord], blasKernels: String?
    ) throws -> (String?, [RunRecord], [String: [RunRecord]]) {
        let reference = RunPlan.referenceKernelSet
        guard spec.model.kind.callsBLAS else {
            return (nil, planned(spec, scale: scale, recorded: recorded, kernels: reference) ?? recorded, [:])
        }
        let recordedKernels = try Dictionary(
            recorded.map { ($0.id, try RunProvenance(record: $0)?.kernelSet) }, uniquingKeysWith: { a, _ in a })
        var candidates = Set(recordedKernels.values.compactMap { $0 })
        candidates.insert(reference)
        if let blasKernels { candidates.insert(blasKernels.lowercased()) }
        var byKernels: [String: [RunRecord]] = [:]
        for kernels in candidates {
            guard let runs = planned(spec, scale: scale, recorded: recorded, kernels: kernels) else {
                return (nil, recorded, [:])  // the recorded spec no longer plans at this scale
            }
            // A run's key names its kernel set; its provenance must agree (a run recorded before
            // the set was part of the key, under a set the user chose, is left out).
            byKernels[kernels] = runs.filter { recordedKernels[$0.id].flatMap { $0 }.map { $0 == kernels } ?? true }
        }
        // Most finished runs, then most runs, then the reference set; among equals the first by name.
        func rank(_ kernels: String) -> (Int, Int, Int) {
            let runs = byKernels[kernels, default: []]
            return (
                runs.filter { $0.status == .completed || $0.status == .diverged }.count, runs.count,
                kernels == reference ? 1 : 0
            )
        }
        let chosen = blasKernels?.lowercased() ?? candidates.sorted().max { rank($0) < rank($1) } ?? reference
        let others = byKernels.filter { $0.key != chosen && !$0.value.isEmpty }
        return (chosen, byKernels[chosen, default: []], others)
    }

    /// The recorded runs that the current plan makes under `kernels`, for each dataset fingerprint
    /// the runs were recorded with; nil when the recorded spec cannot be planned at this scale.
    static func planned(
        _ spec: ExperimentSpec, scale: String, recorded: [RunRecord], kernels: String
    ) -> [RunRecord]? {
        var current: Set<String> = []
        for fingerprint in Set(recorded.map(\.datasetSHA256)) {
            guard
                let runs = try? RunPlan.runs(spec, scale: scale, datasetFingerprint: fingerprint, blasKernels: kernels)
            else {
                return nil
            }
            current.formUnion(runs.map(\.key))
        }
        return recorded.filter { current.contains($0.key) }
    }

    static func reportRun(_ record: RunRecord, store: ResultStore) throws -> ReportRun {
        var curves: [String: [Double]] = [:]
        var seconds: [Double] = []
        for point in try store.metrics(runID: record.id) where point.name != MetricPoint.minibatchLoss {
            let epoch = Int(point.epoch.rounded())
            if point.name == MetricPoint.trainLoss {
                while seconds.count <= epoch { seconds.append(.nan) }
                seconds[epoch] = point.wallSeconds
            }
            var values = curves[point.name] ?? []
            while values.count <= epoch { values.append(.nan) }
            values[epoch] = point.value
            curves[point.name] = values
        }
        return ReportRun(record: record, curves: curves, trainSeconds: seconds)
    }
}

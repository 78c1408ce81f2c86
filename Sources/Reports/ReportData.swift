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

    public var isComplete: Bool { runs.allSatisfy { $0.record.status == .completed || $0.record.status == .diverged } }
    public var finishedCount: Int { runs.filter { $0.record.status == .completed || $0.record.status == .diverged }.count }
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
    public static func load(from store: ResultStore, experiments: [String]? = nil) throws -> [ExperimentResults] {
        var out: [ExperimentResults] = []
        for (name, _, specText) in try store.experiments() where experiments?.contains(name) ?? true {
            let spec = try SpecParser.parse(specText, file: "\(name) (as recorded in the database)")
            let records = try store.runs(experiment: name)
            for scale in Set(records.map(\.scale)).sorted() {
                let recorded = records.filter { $0.scale == scale }
                // The current plan's keys, for each dataset fingerprint the runs were recorded with.
                var current: Set<String> = []
                var planned = true
                for fingerprint in Set(recorded.map(\.datasetSHA256)) {
                    guard let runs = try? RunPlan.runs(spec, scale: scale, datasetFingerprint: fingerprint) else { planned = false; break }
                    current.formUnion(runs.map(\.key))
                }
                let kept = planned ? recorded.filter { current.contains($0.key) } : recorded
                let runs = try kept.map { record -> ReportRun in
                    var curves: [String: [Double]] = [:]
                    var seconds: [Double] = []
                    for point in try store.metrics(runID: record.id) where point.name != MetricPoint.minibatchLoss {
                        if point.name == MetricPoint.trainLoss {
                            let epoch = Int(point.epoch.rounded())
                            while seconds.count <= epoch { seconds.append(.nan) }
                            seconds[epoch] = point.wallSeconds
                        }
                        let epoch = Int(point.epoch.rounded())
                        var values = curves[point.name] ?? []
                        while values.count <= epoch { values.append(.nan) }
                        values[epoch] = point.value
                        curves[point.name] = values
                    }
                    return ReportRun(record: record, curves: curves, trainSeconds: seconds)
                }
                var results = ExperimentResults(spec: spec, scale: scale, runs: runs)
                results.supersededCount = recorded.count - kept.count
                if !runs.isEmpty { out.append(results) }
            }
        }
        return out
    }
}

import Experiments
import Foundation
import ResultStore
import Vocabulary

/// What changed between two results databases, curve by curve: the regression gate of
/// `adam-bench compare` (docs/COMPARE.md).
///
/// Runs are paired within an experiment and scale, first by run key, then — where the keys differ
/// only in their numerics (numerics version, model revision, kernel set, resolved defaults) — by
/// the rest of their identity: label, setting, seed, model, data, protocol and dataset fingerprint.
/// Each pair is *identical* (equal curve hashes), *within tolerance* (every compared metric at every
/// epoch within `tolerance`, relative: |a - b| <= tolerance * max(|a|, |b|)), *moved* (the largest
/// relative difference is given), or *status changed*; unpaired runs are *missing* (in the baseline
/// only) or *new*. Per experiment, each optimizer's selected setting, each claim's verdict and the
/// mean training seconds per epoch are compared. A regression is a curve moved beyond tolerance, a
/// status got worse, a missing run, a claim's verdict changed, or (with `maxSlowdown`) seconds per
/// epoch grown by more than that factor.
public struct Comparison: Codable, Sendable {
    public struct Options: Sendable {
        /// Relative tolerance per value; 0 = bit-identical values.
        public var tolerance: Double = 0
        /// Metrics compared; nil = each experiment's selection metric and its claims' metrics.
        public var metrics: [MetricName]?
        /// Only these experiments (nil = all) and this scale (nil = all).
        public var experiments: [String]?
        public var scale: String?
        /// Candidate seconds per epoch over the baseline's above this is a regression; nil = informational.
        public var maxSlowdown: Double?

        public init() {}
    }

    public enum Change: String, Codable, Sendable {
        case identical
        case withinTolerance = "within-tolerance"
        case moved
        case statusChanged = "status-changed"
        case missing
        case new
    }

    /// The largest relative difference of a pair, where it is.
    public struct Difference: Codable, Sendable, Equatable {
        public let metric: MetricName
        public let epoch: Int
        public let baseline: Double?
        public let candidate: Double?
        public let relative: Double
    }

    public struct RunChange: Codable, Sendable {
        public let experiment: String
        public let scale: String
        public let label: String
        public let setting: String
        public let seed: UInt64
        public let change: Change
        /// The two runs' keys differ: they were paired by the rest of their identity.
        public let numericsChanged: Bool
        /// The kernel sets of the two runs, when recorded and different.
        public let kernelSets: [String]?
        public let baselineStatus: String?
        public let candidateStatus: String?
        public let largest: Difference?
        public let regression: Bool
    }

    public struct SelectionChange: Codable, Sendable {
        public let label: String
        public let baseline: String?
        public let candidate: String?
        public var changed: Bool { baseline != candidate }
    }

    public struct ClaimChange: Codable, Sendable {
        public let id: String
        public let baseline: String?
        public let candidate: String?
        public var changed: Bool { baseline != candidate }
    }

    public struct ExperimentChange: Codable, Sendable {
        public let experiment: String
        public let scale: String
        public let selections: [SelectionChange]
        public let claims: [ClaimChange]
        /// Mean training seconds per epoch over the paired finished runs.
        public let baselineSecondsPerEpoch: Double?
        public let candidateSecondsPerEpoch: Double?
        public let slowdown: Double?
        /// The slowdown exceeds `Options.maxSlowdown` (false without one).
        public let tooSlow: Bool
        public let regression: Bool
    }

    public let baseline: String
    public let candidate: String
    public let tolerance: Double
    public let runs: [RunChange]
    public let experiments: [ExperimentChange]

    public var regression: Bool { runs.contains(where: \.regression) || experiments.contains(where: \.regression) }

    /// How many runs fall in each change.
    public var counts: [Change: Int] { Dictionary(grouping: runs, by: \.change).mapValues(\.count) }
}

extension Comparison {
    /// Compares every experiment and scale of `candidate` and `baseline` (named in the output as given).
    public static func compare(
        baseline: ResultStore, candidate: ResultStore, names: (String, String), options: Options
    ) throws -> Comparison {
        let before = try ComparedSide.load(baseline, options: options)
        let after = try ComparedSide.load(candidate, options: options)
        var runs: [RunChange] = []
        var experiments: [ExperimentChange] = []
        for group in Set(before.keys).union(after.keys).sorted(by: {
            ($0.experiment, $0.scale) < ($1.experiment, $1.scale)
        }) {
            let b = before[group], a = after[group]
            let metrics = options.metrics ?? defaultMetrics((a ?? b)!.spec)
            let pairs = pair(b?.runs ?? [], a?.runs ?? [])
            var paired: [(ReportRun, ReportRun)] = []
            for (old, new) in pairs {
                let change = try compare(
                    old, new, baseline: baseline, candidate: candidate, metrics: metrics,
                    tolerance: options.tolerance, group: group)
                runs.append(change)
                if let old, let new { paired.append((old, new)) }
            }
            experiments.append(compareExperiment(group, b, a, paired: paired, maxSlowdown: options.maxSlowdown))
        }
        return Comparison(
            baseline: names.0, candidate: names.1, tolerance: options.tolerance, runs: runs, experiments: experiments)
    }

    /// The metrics a spec's selection and claims read.
    static func defaultMetrics(_ spec: ExperimentSpec) -> [MetricName] {
        Array(Set([spec.selection.metric] + spec.claims.map(\.metric))).sorted { $0.rawValue < $1.rawValue }
    }

    /// The identity of a run apart from its key: what pairs runs whose numerics changed.
    static func identity(_ r: RunRecord) -> [String] {
        [r.label, r.settingJSON, String(r.seed), r.modelJSON, r.dataJSON, r.trainingJSON, r.datasetSHA256]
    }

    /// Pairs by key, then by identity; unpaired runs get nil on the other side. Baseline order.
    static func pair(_ before: [ReportRun], _ after: [ReportRun]) -> [(ReportRun?, ReportRun?)] {
        var byKey = Dictionary(after.map { ($0.record.key, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [(ReportRun?, ReportRun?)] = []
        var unpaired: [ReportRun] = []
        for run in before {
            if let match = byKey.removeValue(forKey: run.record.key) {
                out.append((run, match))
            } else {
                unpaired.append(run)
            }
        }
        var byIdentity = Dictionary(
            byKey.values.map { (identity($0.record), $0) },
            uniquingKeysWith: { a, b in a.record.id < b.record.id ? a : b })
        for run in unpaired { out.append((run, byIdentity.removeValue(forKey: identity(run.record)))) }
        let rest = byIdentity.values.sorted {
            ($0.record.label, $0.record.settingJSON, $0.record.seed) < (
                $1.record.label, $1.record.settingJSON, $1.record.seed
            )
        }
        return out + rest.map { (nil, $0) }
    }

    static func compare(
        _ old: ReportRun?, _ new: ReportRun?, baseline: ResultStore, candidate: ResultStore, metrics: [MetricName],
        tolerance: Double, group: ComparedSide.Key
    ) throws -> RunChange {
        let record = (old ?? new)!.record
        func change(
            _ c: Change, numerics: Bool = false, kernels: [String]? = nil, largest: Difference? = nil, regression: Bool
        )
            -> RunChange
        {
            RunChange(
                experiment: group.experiment, scale: group.scale, label: record.label, setting: record.settingJSON,
                seed: record.seed,
                change: c, numericsChanged: numerics, kernelSets: kernels, baselineStatus: old?.record.status.rawValue,
                candidateStatus: new?.record.status.rawValue, largest: largest, regression: regression)
        }
        guard let old else { return change(.new, regression: false) }
        guard let new else { return change(.missing, regression: true) }
        let numerics = old.record.key != new.record.key
        let kernels = [
            try RunProvenance(record: old.record)?.kernelSet, try RunProvenance(record: new.record)?.kernelSet,
        ]
        let kernelSets =
            kernels[0] != nil && kernels[1] != nil && kernels[0] != kernels[1] ? kernels.compactMap { $0 } : nil
        let largest = largestDifference(old, new, metrics: metrics)
        if old.record.status != new.record.status {
            return change(
                .statusChanged, numerics: numerics, kernels: kernelSets, largest: largest,
                regression: worse(old.record.status, new.record.status))
        }
        if try baseline.curveHash(runID: old.record.id) == candidate.curveHash(runID: new.record.id) {
            return change(.identical, numerics: numerics, kernels: kernelSets, regression: false)
        }
        guard let largest, largest.relative > tolerance else {
            return change(
                .withinTolerance, numerics: numerics, kernels: kernelSets, largest: largest, regression: false)
        }
        return change(.moved, numerics: numerics, kernels: kernelSets, largest: largest, regression: true)
    }

    /// A status is worse when a completed run no longer completes, or a diverged one now fails or
    /// stays unfinished; a diverged run that now completes is a change, not a regression.
    public static func worse(_ before: RunRecord.Status, _ after: RunRecord.Status) -> Bool {
        switch (before, after) {
        case (.completed, _): after != .completed
        case (.diverged, _): after != .completed && after != .diverged
        default: false
        }
    }

    /// Relative difference of two values: 0 for equal bits (NaN included), infinite when one side is
    /// missing or not a number, else |a - b| / max(|a|, |b|).
    public static func relativeDifference(_ a: Double?, _ b: Double?) -> Double {
        guard let a, let b else { return .infinity }
        if a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) { return 0 }
        if a.isNaN || b.isNaN || a.isInfinite || b.isInfinite { return .infinity }
        let scale = max(abs(a), abs(b))
        return scale == 0 ? 0 : abs(a - b) / scale
    }

    /// The largest relative difference over `metrics` and epochs (first of equals); nil when none differ.
    static func largestDifference(_ old: ReportRun, _ new: ReportRun, metrics: [MetricName]) -> Difference? {
        var largest: Difference?
        for metric in metrics {
            let a = old.curve(metric), b = new.curve(metric)
            for epoch in 0..<max(a.count, b.count) {
                let x = epoch < a.count ? a[epoch] : nil, y = epoch < b.count ? b[epoch] : nil
                let d = relativeDifference(x, y)
                if d > 0 && d > (largest?.relative ?? 0) {
                    largest = Difference(metric: metric, epoch: epoch, baseline: x, candidate: y, relative: d)
                }
            }
        }
        return largest
    }

    static func compareExperiment(
        _ group: ComparedSide.Key, _ before: ExperimentResults?, _ after: ExperimentResults?,
        paired: [(ReportRun, ReportRun)], maxSlowdown: Double?
    ) -> ExperimentChange {
        let b = before.map(Analysis.init), a = after.map(Analysis.init)
        let labels = ((b?.labels ?? []) + (a?.labels ?? [])).reduce(into: [String]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        let selections = labels.map {
            SelectionChange(label: $0, baseline: b?.best[$0]?.settingJSON, candidate: a?.best[$0]?.settingJSON)
        }
        let spec = (after ?? before)!.spec
        let claims = spec.claims.map { claim in
            ClaimChange(
                id: claim.id, baseline: b.map { ClaimEvaluator.evaluate(claim, in: $0).outcome.rawValue },
                candidate: a.map { ClaimEvaluator.evaluate(claim, in: $0).outcome.rawValue })
        }
        let finished = paired.filter {
            $0.0.isFinished && $0.1.isFinished && $0.0.record.epochsCompleted > 0 && $0.1.record.epochsCompleted > 0
        }
        func perEpoch(_ runs: [ReportRun]) -> Double? {
            runs.isEmpty
                ? nil : Statistics.mean(runs.map { $0.record.trainSeconds / Double($0.record.epochsCompleted) })
        }
        let secondsBefore = perEpoch(finished.map(\.0)), secondsAfter = perEpoch(finished.map(\.1))
        let slowdown = secondsBefore.flatMap { s in secondsAfter.map { $0 / s } }
        let tooSlow = maxSlowdown.map { limit in slowdown.map { $0 > limit } ?? false } ?? false
        let regression = tooSlow || claims.contains { $0.changed && $0.baseline != nil && $0.candidate != nil }
        return ExperimentChange(
            experiment: group.experiment, scale: group.scale, selections: selections, claims: claims,
            baselineSecondsPerEpoch: secondsBefore, candidateSecondsPerEpoch: secondsAfter, slowdown: slowdown,
            tooSlow: tooSlow, regression: regression)
    }
}

/// One database's runs as `Comparison` sees them, by (experiment, scale): every recorded run, one
/// per identity — the run the report would show where there is one (the current plan, the
/// report's kernel set), else the latest recorded — so runs recorded under other numerics still
/// pair with their successors.
enum ComparedSide {
    struct Key: Hashable {
        let experiment: String
        let scale: String
    }

    static func load(_ store: ResultStore, options: Comparison.Options) throws -> [Key: ExperimentResults] {
        let current = try ExperimentResults.load(from: store, experiments: options.experiments)
        var out: [Key: ExperimentResults] = [:]
        for experiment in try store.experiments() where options.experiments?.contains(experiment.name) ?? true {
            let (name, specText) = (experiment.name, experiment.specText)
            let spec = try SpecParser.parse(specText, file: "\(name) (as recorded in \(store.path))")
            let records = try store.runs(experiment: name)
            for scale in Set(records.map(\.scale)) where options.scale.map({ $0 == scale }) ?? true {
                let shown = current.first { $0.spec.name == name && $0.scale == scale }?.runs ?? []
                var byIdentity = Dictionary(
                    shown.map { (Comparison.identity($0.record), $0) }, uniquingKeysWith: { a, _ in a })
                for record in records.filter({ $0.scale == scale }).sorted(by: { $0.id > $1.id })
                where byIdentity[Comparison.identity(record)] == nil {
                    byIdentity[Comparison.identity(record)] = try ExperimentResults.reportRun(record, store: store)
                }
                let runs = byIdentity.values.sorted { $0.record.id < $1.record.id }
                out[Key(experiment: name, scale: scale)] = ExperimentResults(spec: spec, scale: scale, runs: runs)
            }
        }
        return out
    }
}

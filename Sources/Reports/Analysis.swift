import Experiments
import Plan

/// The tuning protocol applied to one experiment: every setting's score on the tuning seeds, each
/// optimizer's selected setting with the runs that judge it, its edges and its tuning budget.
public struct Analysis: Sendable {
    public let results: ExperimentResults
    /// Optimizer labels in spec order (those with runs).
    public let labels: [String]
    /// Per optimizer, every setting tried, scored over the tuning seeds.
    public let settings: [String: [SettingSummary]]
    /// Per optimizer, the selected setting: its score is the tuning score, its runs the finished
    /// runs on the evidence seeds (the confirm seeds of a staged protocol, else the tuning seeds).
    public let best: [String: SettingSummary]
    /// Per optimizer, the edges of its grid the selection lies at (empty = inside).
    public let edges: [String: [EdgeStatus]]
    /// Per optimizer, what tuning cost: settings tried, finished runs and their training seconds.
    public let budgets: [String: Budget]
    /// Per optimizer, how far its stages are (absent without a plan).
    public let phases: [String: OptimizerStages.Phase]
    /// The protocol's seeds (nil when the recorded spec no longer plans at this scale).
    public let tuning: ResolvedTuning?

    /// The work an optimizer's selection took. A setting counts as tried once its runs on every
    /// tuning seed have finished (a planned or half-run setting is not yet part of the budget).
    public struct Budget: Sendable, Equatable {
        public var settingsTried = 0, extensions = 0, runs = 0
        public var trainSeconds = 0.0
        public var isFinal = false

        public init(
            settingsTried: Int = 0, extensions: Int = 0, runs: Int = 0, trainSeconds: Double = 0, isFinal: Bool = false
        ) {
            (self.settingsTried, self.extensions, self.runs) = (settingsTried, extensions, runs)
            (self.trainSeconds, self.isFinal) = (trainSeconds, isFinal)
        }
    }

    public init(_ results: ExperimentResults) {
        self.results = results
        let byKey = Dictionary(results.runs.map { ($0.record.key, $0) }, uniquingKeysWith: { a, _ in a })
        var summaries: [String: [SettingSummary]] = [:]
        var best: [String: SettingSummary] = [:]
        var edges: [String: [EdgeStatus]] = [:]
        var budgets: [String: Budget] = [:]
        var phases: [String: OptimizerStages.Phase] = [:]
        if let stages = results.stages {
            for o in stages.optimizers {
                let runs = o.runs.compactMap { byKey[$0.key] }
                guard !runs.isEmpty else { continue }
                summaries[o.label] = o.points.map { p in
                    Self.summary(
                        o.label, p.settingJSON, p.runs.compactMap { byKey[$0.key] }, total: p.runs.count,
                        score: p.score ?? .nan)
                }
                if let selected = o.selected {
                    best[o.label] = Self.summary(
                        o.label, selected.settingJSON, o.evidenceRuns.compactMap { byKey[$0.key] },
                        total: o.evidenceRuns.count, score: selected.score ?? .nan)
                }
                edges[o.label] = o.edges
                phases[o.label] = o.phase
                let finished = runs.filter(\.isFinished)
                budgets[o.label] = Budget(
                    settingsTried: o.triedPoints.count, extensions: o.extensionCount, runs: finished.count,
                    trainSeconds: finished.reduce(0) { $0 + $1.record.trainSeconds }, isFinal: o.phase == .done)
            }
        } else {
            summaries = Self.everySeed(results)
            for (label, list) in summaries {
                // Lowest finite score; ties broken by the setting's text, so the choice is deterministic.
                best[label] = list.filter { $0.score.isFinite }.min {
                    ($0.score, $0.settingJSON) < ($1.score, $1.settingJSON)
                }
            }
        }
        self.settings = summaries
        self.best = best
        self.edges = edges
        self.budgets = budgets
        self.phases = phases
        tuning = results.stages?.tuning
        labels = results.spec.optimizers.map(\.label).filter { summaries[$0] != nil }
    }

    /// Why an optimizer has no selection, for tables and claims.
    public func noSelectionReason(_ label: String) -> String {
        phases[label] == .tuning ? "tuning in progress" : "no finished setting without divergence"
    }

    static func summary(
        _ label: String, _ json: String, _ runs: [ReportRun], total: Int, score: Double
    ) -> SettingSummary {
        let finished = runs.filter(\.isFinished).sorted { $0.record.seed < $1.record.seed }
        return SettingSummary(
            label: label, settingJSON: json, runs: finished, total: total,
            diverged: finished.filter(\.isDiverged).count, score: score)
    }

    /// Without a plan: every recorded setting over all its finished seeds (+infinity when one diverged).
    static func everySeed(_ results: ExperimentResults) -> [String: [SettingSummary]] {
        let rule = results.spec.selection
        var summaries: [String: [SettingSummary]] = [:]
        for label in Set(results.runs.map(\.record.label)) {
            let grouped = Dictionary(grouping: results.runs.filter { $0.record.label == label }) {
                $0.record.settingJSON
            }
            summaries[label] = grouped.keys.sorted().map { json in
                let finished = grouped[json]!.filter(\.isFinished)
                let score =
                    finished.isEmpty
                    ? .nan
                    : finished.contains(where: \.isDiverged)
                        ? .infinity : Statistics.mean(finished.map { rule.score($0.curve(rule.metric)) })
                return summary(label, json, grouped[json]!, total: grouped[json]!.count, score: score)
            }
        }
        return summaries
    }
}

import Experiments

/// The paper's protocol applied to one experiment: every setting's score and each optimizer's best.
public struct Analysis: Sendable {
    public let results: ExperimentResults
    /// Optimizer labels in spec order (those with runs).
    public let labels: [String]
    public let settings: [String: [SettingSummary]]
    public let best: [String: SettingSummary]

    public init(_ results: ExperimentResults) {
        self.results = results
        let rule = results.spec.selection
        var summaries: [String: [SettingSummary]] = [:]
        for label in Set(results.runs.map(\.record.label)) {
            let runs = results.runs.filter { $0.record.label == label }
            let grouped = Dictionary(grouping: runs, by: { $0.record.settingJSON })
            summaries[label] = grouped.keys.sorted().map { json in
                let group = grouped[json]!.sorted { $0.record.seed < $1.record.seed }
                let finished = group.filter(\.isFinished)
                let diverged = finished.filter(\.isDiverged).count
                let score: Double
                if finished.isEmpty {
                    score = .nan
                } else if diverged > 0 {
                    score = .infinity
                } else {
                    score = Statistics.mean(
                        finished.map { Self.windowMean($0.curve(rule.metric), lastFraction: rule.lastFraction) })
                }
                return SettingSummary(
                    label: label, settingJSON: json, runs: finished, total: group.count, diverged: diverged,
                    score: score)
            }
        }
        self.settings = summaries
        labels = results.spec.optimizers.map(\.label).filter { summaries[$0] != nil }
        var best: [String: SettingSummary] = [:]
        for (label, list) in summaries {
            // Lowest finite score; ties broken by the setting's text, so the choice is deterministic.
            if let choice = list.filter({ $0.score.isFinite }).min(by: {
                ($0.score, $0.settingJSON) < ($1.score, $1.settingJSON)
            }) {
                best[label] = choice
            }
        }
        self.best = best
    }

    /// Mean of the last `lastFraction` of the epochs 1...E of `curve` (index = epoch), at least the
    /// final value; 0 means the final value alone. NaN for an empty curve.
    public static func windowMean(_ curve: [Double], lastFraction: Double, epochs limit: Int? = nil) -> Double {
        var values = curve
        if let limit, values.count > limit + 1 { values = Array(values.prefix(limit + 1)) }
        let epochs = values.count - 1
        guard epochs >= 0 else { return .nan }
        guard epochs >= 1 else { return values[0] }
        let k = max(1, Int((lastFraction * Double(epochs)).rounded(.up)))
        return Statistics.mean(Array(values[(epochs - k + 1)...epochs]))
    }
}

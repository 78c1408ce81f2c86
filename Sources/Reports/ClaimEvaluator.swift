import Experiments
import Foundation
import ResultStore
import Vocabulary

/// Evaluates claims on the best settings, paired by seed (the seeds share initialization and batch
/// order), with the 95% bootstrap interval of the per-seed difference.
///
/// Per seed, a run's value is the mean of the claim's metric over its last `last-fraction` of epochs
/// (lower is better for losses; accuracies are negated so that lower is still better). With d =
/// subject - other and the tolerance band t = tolerance * |mean(other)|:
/// - `better`: supported when the interval lies below -t; refuted when its lower end is above -t.
/// - `not-worse`: supported when the interval lies below +t; refuted when it lies above +t.
/// - `similar`: supported when the interval lies inside [-t, +t]; refuted when it lies outside.
/// - `faster`: d is the difference in epochs needed to reach the target (the spec's, else the worse
///   of the two window means relaxed by the tolerance); supported when the interval lies below 0;
///   refuted when its lower end is at or above 0. A run that never reaches it counts as horizon + 1.
/// - `faster` with `axis: seconds`: d is the difference of the metric at the training time of the
///   shorter of the two runs; supported when the interval lies below 0, refuted when at or above 0.
/// - `cost-ratio`: the per-seed ratio of training seconds per iteration; supported when its interval
///   lies inside `range`, refuted when it lies outside.
/// Each subject is compared with each of `versus` (a claim about several subjects, "Adam and
/// SGD-Nesterov beat AdaGrad", makes one comparison per subject and other). A comparison needs
/// finished best-setting runs for at least `minimumSeeds` common seeds, else it is inconclusive; the
/// claim is supported only when every comparison is, refuted when any is.
/// With `settings: every` each pair of settings is a comparison (`everySetting`).
public enum ClaimEvaluator {
    public static let minimumSeeds = 3

    public static func evaluate(_ claim: ClaimSpec, in analysis: Analysis) -> ClaimVerdict {
        if claim.settings == .every { return everySetting(claim, in: analysis) }
        var outcomes: [ClaimVerdict.Outcome] = []
        var evidence: [String] = []
        for subject in claim.subjects {
            let (subjectOutcomes, lines) = evaluate(claim, subject: subject, in: analysis)
            outcomes += subjectOutcomes
            evidence += lines
        }
        // The protocol lines speak of selections: none when no subject has one, none for `at-least`.
        let selected = claim.subjects.contains { analysis.best[$0] != nil }
        let protocolLines = claim.relation == .atLeast || !selected ? [] : protocolEvidence(claim, analysis)
        return ClaimVerdict(
            claim: claim, outcome: .combined(outcomes), evidence: evidence + protocolLines, rule: rule(claim))
    }

    /// One subject's comparisons (with each of `versus`, or with the target for `at-least`): their
    /// outcomes and one evidence line each.
    static func evaluate(
        _ claim: ClaimSpec, subject label: String, in analysis: Analysis
    ) -> ([ClaimVerdict.Outcome], [String]) {
        var outcomes: [ClaimVerdict.Outcome] = []
        var evidence: [String] = []
        let sign: Double = claim.metric.higherIsBetter ? -1 : 1
        guard let subject = analysis.best[label] else {
            return ([.inconclusive], ["\(label): \(analysis.noSelectionReason(label))"])
        }
        if claim.relation == .atLeast { return atLeast(claim, label, subject) }
        for other in claim.versus {
            guard let versus = analysis.best[other] else {
                outcomes.append(.inconclusive)
                evidence.append("\(other): \(analysis.noSelectionReason(other))")
                continue
            }
            // A confirm run of a selected setting may diverge: its seed cannot be paired.
            let divergedSeeds = Set((subject.runs + versus.runs).filter(\.isDiverged).map(\.record.seed))
            let seeds = Set(subject.seeds).intersection(versus.seeds).subtracting(divergedSeeds).sorted()
            if !divergedSeeds.isEmpty {
                evidence.append(
                    "seed\(divergedSeeds.count == 1 ? "" : "s") \(divergedSeeds.sorted().map(String.init).joined(separator: ", ")) left out of \(label) vs \(other): a selected setting diverged there"
                )
            }
            func values(_ s: SettingSummary) -> [Double] {
                seeds.map { seed in
                    let run = s.runs.first { $0.record.seed == seed }!
                    return sign
                        * SelectionRule.windowMean(
                            run.curve(claim.metric), lastFraction: claim.lastFraction, epochs: claim.epochs)
                }
            }
            let a = values(subject), b = values(versus)
            let pair = Pair(subject: label, other: other, subjectRuns: subject, otherRuns: versus)
            let (outcome, text) = compare(claim, pair, a: a, b: b, seeds: seeds, sign: sign)
            outcomes.append(seeds.count < minimumSeeds ? .inconclusive : outcome)
            evidence.append(
                text
                    + (seeds.count < minimumSeeds
                        ? " — \(seeds.count) common seed\(seeds.count == 1 ? "" : "s"), a verdict needs \(minimumSeeds)"
                        : ""))
        }
        return (outcomes, evidence)
    }

    /// The two selections one comparison sets against each other.
    struct Pair {
        var subject: String, other: String
        var subjectRuns: SettingSummary, otherRuns: SettingSummary
    }

    /// Which seeds selected and which judged, and every compared selection still at a grid edge.
    static func protocolEvidence(_ claim: ClaimSpec, _ analysis: Analysis) -> [String] {
        var lines: [String] = []
        if let tuning = analysis.tuning, tuning.isStaged {
            lines.append(
                "selected on seed\(tuning.seeds.count == 1 ? "" : "s") \(tuning.seeds.map(String.init).joined(separator: ", ")), "
                    + "judged on seeds \(tuning.confirmSeeds.map(String.init).joined(separator: ", "))")
        }
        for label in claim.subjects + claim.versus {
            for edge in analysis.edges[label] ?? [] {
                lines.append("\(label)'s selection lies at the \(edge.description)")
            }
        }
        return lines
    }

    static func compare(
        _ claim: ClaimSpec, _ pair: Pair, a: [Double], b: [Double], seeds: [UInt64], sign: Double
    ) -> (ClaimVerdict.Outcome, String) {
        let subjectRuns = pair.subjectRuns, otherRuns = pair.otherRuns
        let title = "\(pair.subject) vs \(pair.other)"
        guard !seeds.isEmpty else { return (.inconclusive, "\(title): no common seeds") }
        func run(_ s: SettingSummary, _ seed: UInt64) -> ReportRun { s.runs.first { $0.record.seed == seed }! }
        if claim.relation == .costRatio, let range = claim.range {
            let unit = claim.per ?? .iteration
            func cost(_ r: ReportRun) -> Double {
                r.record.trainSeconds
                    / Double(max(unit == .epoch ? r.record.epochsCompleted : r.record.stepsCompleted, 1))
            }
            let ratios = seeds.map { cost(run(subjectRuns, $0)) / cost(run(otherRuns, $0)) }
            let e = Statistics.estimate(ratios)
            let low = e.interval?.lowerBound ?? e.mean, high = e.interval?.upperBound ?? e.mean
            return (
                outcome(.costRatio, low: low, high: high, range: range),
                "\(title): training seconds per \(unit.rawValue), ratio \(describe(e)) (expected \(format(range.lowerBound))-\(format(range.upperBound)))"
            )
        }
        if claim.relation == .faster && claim.axis == .seconds {
            // The metric of each run at the time the shorter of the pair trained (linear interpolation
            // between epoch ends; epoch 0 is at time 0).
            func value(_ r: ReportRun, at time: Double) -> Double {
                let curve = r.curve(claim.metric).map { sign * $0 }
                var times = r.trainSeconds
                if !times.isEmpty { times[0] = 0 }
                let n = min(curve.count, times.count)
                guard n > 0 else { return .nan }
                for e in 1..<max(n, 1) where times[e] >= time {
                    let w = (time - times[e - 1]) / max(times[e] - times[e - 1], 1e-12)
                    return curve[e - 1] + w * (curve[e] - curve[e - 1])
                }
                return curve[n - 1]
            }
            var a: [Double] = [], b: [Double] = [], budgets: [Double] = []
            for seed in seeds {
                let x = run(subjectRuns, seed), y = run(otherRuns, seed)
                let budget = min(
                    x.trainSeconds.last(where: \.isFinite) ?? 0, y.trainSeconds.last(where: \.isFinite) ?? 0)
                budgets.append(budget)
                a.append(value(x, at: budget))
                b.append(value(y, at: budget))
            }
            let d = Statistics.pairedDifference(a, b)
            let low = d.interval?.lowerBound ?? d.mean, high = d.interval?.upperBound ?? d.mean
            let metric = sign < 0 ? "-\(claim.metric)" : claim.metric.rawValue
            return (
                outcome(.faster, low: low, high: high),
                "\(title): \(metric) after \(format(Statistics.mean(budgets))) training seconds: \(format(sign * Statistics.mean(a))) vs \(format(sign * Statistics.mean(b))), paired difference \(describe(d))"
            )
        }
        if claim.relation == .faster {
            let horizon = Double((subjectRuns.runs.first?.curve(claim.metric).count ?? 1) - 1)
            // Default target: the worse of the two window means, relaxed by the tolerance (a curve that
            // ends exactly at its own mean would otherwise count as never reaching it).
            let worse = max(Statistics.mean(a), Statistics.mean(b))
            let target = claim.target.map { sign * $0 } ?? worse + claim.tolerance * abs(worse)
            func epochs(_ s: SettingSummary) -> [Double] {
                seeds.map { seed in
                    let curve = s.runs.first { $0.record.seed == seed }!.curve(claim.metric).map { sign * $0 }
                    return Double(curve.firstIndex { $0 <= target } ?? Int(horizon) + 1)
                }
            }
            let ea = epochs(subjectRuns), eb = epochs(otherRuns)
            let d = Statistics.pairedDifference(ea, eb)
            let low = d.interval?.lowerBound ?? d.mean, high = d.interval?.upperBound ?? d.mean
            return (
                outcome(.faster, low: low, high: high),
                "\(title): epochs to reach \(format(sign * target)): \(format(Statistics.mean(ea))) vs \(format(Statistics.mean(eb))), difference \(describe(d))"
            )
        }
        let d = Statistics.pairedDifference(a, b)
        let band = claim.tolerance * abs(Statistics.mean(b))
        let low = d.interval?.lowerBound ?? d.mean, high = d.interval?.upperBound ?? d.mean
        let metric = sign < 0 ? "-\(claim.metric)" : claim.metric.rawValue
        return (
            outcome(claim.relation, low: low, high: high, band: band),
            "\(title): \(metric) \(format(sign * Statistics.mean(a))) vs \(format(sign * Statistics.mean(b))), paired difference \(describe(d)), tolerance band ±\(format(band))"
        )
    }

    /// One comparison's verdict from the interval [low, high] of its statistic (the 95% bootstrap
    /// interval, or the mean itself when there is none), the relation's rule of the type comment:
    /// `band` is the tolerance band t of `better`, `not-worse` and `similar`; `faster` compares with
    /// 0 (a difference in epochs or in the metric at equal time); `cost-ratio` with `range`.
    /// `at-least` is judged per seed (`atLeast`), so it has no interval here: inconclusive.
    public static func outcome(
        _ relation: ClaimSpec.Relation, low: Double, high: Double, band: Double = 0,
        range: ClosedRange<Double>? = nil
    ) -> ClaimVerdict.Outcome {
        guard low.isFinite, high.isFinite else { return .inconclusive }
        switch relation {
        case .better: return high < -band ? .supported : low > -band ? .refuted : .inconclusive
        case .notWorse: return high <= band ? .supported : low > band ? .refuted : .inconclusive
        case .similar:
            if low >= -band && high <= band { return .supported }
            return high < -band || low > band ? .refuted : .inconclusive
        case .faster: return high < 0 ? .supported : low >= 0 ? .refuted : .inconclusive
        case .costRatio:
            guard let range else { return .inconclusive }
            if range.contains(low) && range.contains(high) { return .supported }
            return high < range.lowerBound || low > range.upperBound ? .refuted : .inconclusive
        case .atLeast: return .inconclusive
        }
    }

    /// `at-least`: the subject's metric over the window, per seed, against the target.
    static func atLeast(
        _ claim: ClaimSpec, _ label: String, _ subject: SettingSummary
    ) -> ([ClaimVerdict.Outcome], [String]) {
        let target = claim.target ?? 0
        let values = subject.runs.map {
            SelectionRule.windowMean($0.curve(claim.metric), lastFraction: claim.lastFraction, epochs: claim.epochs)
        }
        guard values.allSatisfy(\.isFinite), !values.isEmpty else {
            return (
                [.inconclusive],
                [
                    "\(label): no \(claim.metric) recorded (runs made before the metric existed, or an optimizer without it)"
                ]
            )
        }
        let e = Statistics.estimate(values)
        let low = e.interval?.lowerBound ?? e.mean, high = e.interval?.upperBound ?? e.mean
        var outcome: ClaimVerdict.Outcome = low >= target ? .supported : high < target ? .refuted : .inconclusive
        var text = "\(label): \(claim.metric) \(describe(e)) (target at least \(format(target)))"
        if values.count < minimumSeeds {
            outcome = .inconclusive
            text += " — \(values.count) seed\(values.count == 1 ? "" : "s"), a verdict needs \(minimumSeeds)"
        }
        return ([outcome], [text])
    }

    static func rule(_ claim: ClaimSpec) -> String {
        if claim.relation == .atLeast {
            return
                "at-least: \(claim.metric) (\(claim.lastFraction == 0 ? "final value" : "mean over the last \(format(100 * claim.lastFraction))% of epochs")) at least \(format(claim.target ?? 0)), 95% bootstrap over ≥\(minimumSeeds) seeds"
        }
        if claim.relation == .costRatio, let range = claim.range {
            return
                "cost-ratio: training seconds per \((claim.per ?? .iteration).rawValue), subject / other, within \(format(range.lowerBound))-\(format(range.upperBound)) (95% bootstrap over ≥\(minimumSeeds) seeds)"
        }
        if claim.relation == .faster && claim.axis == .seconds {
            return
                "faster by training time: \(claim.metric) lower at the training time of the shorter run, 95% paired bootstrap over ≥\(minimumSeeds) seeds"
        }
        let window =
            claim.lastFraction == 0
            ? "final value" : "mean over the last \(format(100 * claim.lastFraction))% of epochs"
        let scope = claim.settings == .every ? " at every setting (each pair of settings on its seeds)" : ""
        return
            "\(claim.relation.rawValue) on \(claim.metric) (\(window)\(claim.epochs.map { ", first \($0) epochs" } ?? ""))\(scope), tolerance \(format(100 * claim.tolerance))%, 95% paired bootstrap over ≥\(minimumSeeds) seeds"
    }

    static func describe(_ e: Statistics.Estimate) -> String {
        guard let ci = e.interval else { return format(e.mean) }
        return "\(format(e.mean)) [\(format(ci.lowerBound)), \(format(ci.upperBound))]"
    }

    static func format(_ x: Double) -> String { Format.number(x) }
}

import Experiments
import Foundation
import Optimizers

extension ClaimEvaluator {
    /// `settings: every`: each subject against each other optimizer, setting by setting (the paper's
    /// "at every setting").
    ///
    /// Two settings pair when they agree on every hyperparameter that either optimizer's grid varies;
    /// a hyperparameter constant within each grid (e.g. `bias-correction`) is what the two optimizers
    /// differ by. `where` keeps the pairs whose settings have its values. Each pair is judged on its
    /// common finished seeds as the selections are — per seed the metric's window mean, d = subject
    /// - other, band t = tolerance * |mean(other)|, the 95% paired bootstrap interval of d — except
    /// for divergence, which counts against the side that diverged:
    /// - the subject diverged on a seed where the other did not: the pair is refuted;
    /// - the other diverged on every common seed and the subject on none: `better` and `not-worse`
    ///   are supported, `similar` refuted; on some seeds only: the remaining seeds decide;
    /// - both diverged on a seed: that seed is left out; on every seed: `not-worse` and `similar`
    ///   are supported (the two fail alike), `better` refuted.
    /// A pair with fewer than `minimumSeeds` common seeds is counted but decides nothing. The claim is
    /// refuted when any pair is, supported when every pair is, else inconclusive.
    static func everySetting(_ claim: ClaimSpec, in analysis: Analysis) -> ClaimVerdict {
        var outcomes: [ClaimVerdict.Outcome] = []
        var evidence: [String] = []
        for subject in claim.subjects {
            for other in claim.versus {
                let (outcome, lines) = everySetting(claim, subject: subject, other: other, in: analysis)
                outcomes.append(outcome)
                evidence += lines
            }
        }
        // No protocol lines: the pairs are judged on whatever seeds each setting ran, not the selections'.
        return ClaimVerdict(claim: claim, outcome: .combined(outcomes), evidence: evidence, rule: rule(claim))
    }

    /// How one pair of settings compares, point by point (the counts of the evidence).
    enum PairPoint {
        case lower, within, higher, subjectDiverged, otherDiverged, bothDiverged
    }

    /// One pair of settings with its common seeds, its point comparison and its outcome.
    struct SettingPair {
        var name: String
        var seeds: [UInt64]
        var point: PairPoint
        var outcome: ClaimVerdict.Outcome
        /// Mean subject and other values over the seeds where neither diverged (NaN if none).
        var subject: Double, other: Double
    }

    static func everySetting(
        _ claim: ClaimSpec, subject: String, other: String, in analysis: Analysis
    ) -> (ClaimVerdict.Outcome, [String]) {
        let subjectSettings = settings(subject, analysis), others = settings(other, analysis)
        let keys = varying(subjectSettings).union(varying(others)).sorted()
        func name(_ values: [String: HyperparameterValue]) -> String {
            keys.map { "\($0)=\(values[$0]?.description ?? "-")" }.joined(separator: ", ")
        }
        let byName = Dictionary(others.map { (name($0.values), $0.summary) }, uniquingKeysWith: { a, _ in a })
        let selected = subjectSettings.filter { s in claim.only.allSatisfy { s.values[$0.key] == $0.value } }
        let condition =
            claim.only.isEmpty
            ? ""
            : "; where \(claim.only.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", "))"
        let pairing = keys.isEmpty ? "one setting each" : "paired on \(keys.joined(separator: ", "))"
        let title = "\(subject) vs \(other) at every setting (\(pairing)\(condition))"
        var unpaired = 0, unfinished = 0
        var pairs: [SettingPair] = []
        for s in selected {
            let pairName = name(s.values)
            guard let o = byName[pairName] else {
                unpaired += 1
                continue
            }
            guard let pair = judge(claim, s.summary, o, name: keys.isEmpty ? "the one setting" : pairName) else {
                unfinished += 1
                continue
            }
            pairs.append(pair)
        }
        guard !pairs.isEmpty else {
            let why =
                selected.isEmpty
                ? "no setting of \(subject) matches"
                : unpaired == selected.count
                    ? "no setting of \(subject) has a counterpart in \(other)'s grid"
                    : "no pair has finished on both sides yet"
            return (.inconclusive, ["\(title): \(why)"])
        }
        func count(_ p: PairPoint) -> Int { pairs.filter { $0.point == p }.count }
        let band = "\(format(100 * claim.tolerance))%"
        var lines = [
            "\(title): \(pairs.count) pair\(pairs.count == 1 ? "" : "s") finished on both; \(subject) lower beyond "
                + "the ±\(band) band at \(count(.lower)), within it at \(count(.within)), higher beyond it at "
                + "\(count(.higher)); only \(other) diverged at \(count(.otherDiverged)), only \(subject) at "
                + "\(count(.subjectDiverged)), both at \(count(.bothDiverged))"
        ]
        let worse = pairs.filter { $0.point == .higher }.sorted {
            ($0.subject - $0.other) / abs($0.other) > ($1.subject - $1.other) / abs($1.other)
        }
        if !worse.isEmpty {
            lines.append(
                "\(subject) higher beyond the band at: "
                    + worse.prefix(3).map { "\($0.name): \(format($0.subject)) vs \(format($0.other))" }.joined(
                        separator: "; ") + (worse.count > 3 ? "; and \(worse.count - 3) more" : ""))
        }
        for (point, who) in [(PairPoint.subjectDiverged, subject), (.otherDiverged, other)] {
            let list = pairs.filter { $0.point == point }.map(\.name)
            if !list.isEmpty {
                lines.append(
                    "only \(who) diverged at: \(list.prefix(3).joined(separator: "; "))"
                        + (list.count > 3 ? "; and \(list.count - 3) more" : ""))
            }
        }
        let fewest = pairs.map(\.seeds.count).min()!
        if fewest < minimumSeeds {
            let short = pairs.filter { $0.seeds.count < minimumSeeds }.count
            lines.append(
                "\(short) of \(pairs.count) pairs have fewer than \(minimumSeeds) common seeds (fewest: \(fewest)): "
                    + "they decide nothing; a verdict at every setting needs \(minimumSeeds) seeds at each")
        }
        if unpaired > 0 {
            lines.append(
                "\(unpaired) setting\(unpaired == 1 ? "" : "s") of \(subject) without a counterpart in \(other)'s grid"
            )
        }
        if unfinished > 0 {
            lines.append("\(unfinished) pair\(unfinished == 1 ? "" : "s") not finished on both sides yet")
        }
        // An unfinished pair keeps the claim from being supported, never from being refuted.
        return (.combined(pairs.map(\.outcome) + (unfinished > 0 ? [.inconclusive] : [])), lines)
    }

    /// A label's settings with their hyperparameter values; the selected setting's summary (which
    /// holds the confirm seeds too) in place of its tuning summary.
    static func settings(
        _ label: String, _ analysis: Analysis
    ) -> [(values: [String: HyperparameterValue], summary: SettingSummary)] {
        let best = analysis.best[label]
        return (analysis.settings[label] ?? []).compactMap { s in
            guard
                let values = try? JSONDecoder().decode(
                    [String: HyperparameterValue].self, from: Data(s.settingJSON.utf8))
            else { return nil }
            return (values, best?.settingJSON == s.settingJSON ? best! : s)
        }
    }

    /// The hyperparameters whose value is not the same in every setting of a grid.
    static func varying(_ settings: [(values: [String: HyperparameterValue], summary: SettingSummary)]) -> Set<String> {
        let names = Set(settings.flatMap(\.values.keys))
        return names.filter { name in Set(settings.map { $0.values[name] }).count > 1 }
    }

    /// One pair's comparison on its common finished seeds; nil when they have none.
    static func judge(_ claim: ClaimSpec, _ s: SettingSummary, _ o: SettingSummary, name: String) -> SettingPair? {
        let seeds = Set(s.seeds).intersection(o.seeds).sorted()
        guard !seeds.isEmpty else { return nil }
        let sign: Double = claim.metric.higherIsBetter ? -1 : 1
        func diverged(_ x: SettingSummary) -> Set<UInt64> {
            Set(x.runs.filter(\.isDiverged).map(\.record.seed)).intersection(seeds)
        }
        let (subjectDiverged, otherDiverged) = (diverged(s), diverged(o))
        let finite = seeds.filter { !subjectDiverged.contains($0) && !otherDiverged.contains($0) }
        func values(_ x: SettingSummary) -> [Double] {
            finite.map { seed in
                sign
                    * SelectionRule.windowMean(
                        x.runs.first { $0.record.seed == seed }!.curve(claim.metric),
                        lastFraction: claim.lastFraction, epochs: claim.epochs)
            }
        }
        let a = values(s), b = values(o)
        let band = claim.tolerance * abs(Statistics.mean(b))
        var pair = SettingPair(
            name: name, seeds: seeds, point: .within, outcome: .inconclusive,
            subject: finite.isEmpty ? .nan : sign * Statistics.mean(a),
            other: finite.isEmpty ? .nan : sign * Statistics.mean(b))
        let enough = seeds.count >= minimumSeeds
        if !subjectDiverged.subtracting(otherDiverged).isEmpty {
            pair.point = .subjectDiverged
            pair.outcome = enough ? .refuted : .inconclusive
            return pair
        }
        let onlyOther = otherDiverged.subtracting(subjectDiverged)
        if !onlyOther.isEmpty {
            pair.point = .otherDiverged
            if claim.relation == .similar {
                pair.outcome = enough ? .refuted : .inconclusive
                return pair
            }
            if onlyOther.count == seeds.count {
                pair.outcome = enough ? .supported : .inconclusive
                return pair
            }
        } else if finite.isEmpty {
            pair.point = .bothDiverged
            pair.outcome = enough ? (claim.relation == .better ? .refuted : .supported) : .inconclusive
            return pair
        }
        guard !finite.isEmpty else { return pair }
        let d = Statistics.pairedDifference(a, b)
        if pair.point == .within {
            pair.point = d.mean < -band ? .lower : d.mean > band ? .higher : .within
        }
        if finite.count >= minimumSeeds {
            let low = d.interval?.lowerBound ?? d.mean, high = d.interval?.upperBound ?? d.mean
            pair.outcome = outcome(claim.relation, low: low, high: high, band: band)
        }
        return pair
    }
}

import Experiments
import Foundation
import Plan
import ResultStore
import Vocabulary

/// Everything the report says about one experiment at one scale: tables, plots, verdicts, footer.
public struct ExperimentReport: Sendable {
    public let analysis: Analysis
    public let tables: [Table]
    public let plots: [(name: String, plot: SVGPlot)]
    public let verdicts: [ClaimVerdict]

    public var results: ExperimentResults { analysis.results }
    public var folderName: String { "\(results.spec.name)/\(results.scale)" }

    public init(_ results: ExperimentResults) {
        let analysis = Analysis(results)
        self.analysis = analysis
        var tables = [
            Self.bestSettings(analysis), Self.sensitivity(analysis), Self.comparison(analysis),
            Self.curvesAtEpochs(analysis),
        ]
        var plots = Self.plots(analysis)
        if IterationCost.applies(analysis) {
            tables.append(IterationCost.table(analysis))
            plots.append((name: "training_loss_by_time", plot: IterationCost.wallTimePlot(analysis)))
        }
        self.tables = tables
        self.plots = plots
        verdicts = results.spec.claims.map { ClaimEvaluator.evaluate($0, in: analysis) }
    }

    // MARK: tables

    /// Each optimizer's selection with the protocol behind it: the seeds that selected and those
    /// that judge, its tuning budget (settings tried, finished runs, training core-hours: unequal
    /// tuning shows here), and the grid edge the selection still lies at ("-" while tuning runs).
    static func bestSettings(_ a: Analysis) -> Table {
        var t = Table(
            name: "best_settings",
            headers: [
                "Optimizer", "Best setting", "Selection score", "Selected on seeds", "Judged on seeds",
                "Settings tried", "Diverged settings", "Runs", "Core-hours", "Grid edge",
            ])
        func cell(_ text: String) -> (String, String) { (text, text) }
        for label in a.labels {
            let list = a.settings[label] ?? []
            let diverged = list.filter { $0.diverged > 0 }.count
            let budget = a.budgets[label]
            let tried =
                budget.map {
                    $0.extensions > 0 ? "\($0.settingsTried) (\($0.extensions) beyond the grid)" : "\($0.settingsTried)"
                } ?? "\(list.count)"
            let runs = budget.map { String($0.runs) } ?? String(list.reduce(0) { $0 + $1.runs.count })
            let hours = budget.map { $0.trainSeconds / 3600 }
            let tuningSeeds =
                a.tuning.map { $0.seeds.map(String.init).joined(separator: ",") } ?? "every recorded seed"
            let edges = (a.edges[label] ?? []).map(\.description).joined(separator: "; ")
            let head = [cell(label)]
            let tail = [
                cell(tried), cell(String(diverged)), cell(runs),
                (hours.map { String(format: "%.3f", $0) } ?? "-", hours.map { Format.full($0) } ?? ""),
                (edges.isEmpty ? (a.phases[label] == .tuning ? "-" : "inside") : edges, edges),
            ]
            if let best = a.best[label] {
                let judged = best.runs.map { String($0.record.seed) }.joined(separator: ",")
                let status = best.runs.count < best.total ? " (\(best.runs.count) of \(best.total) finished)" : ""
                t.add(
                    head + [
                        cell(best.settingJSON), (Format.number(best.score), Format.full(best.score)),
                        cell(tuningSeeds), cell(judged + status),
                    ] + tail)
            } else {
                t.add(
                    head + [
                        (a.noSelectionReason(label), ""), ("-", ""),
                        cell(tuningSeeds), ("-", ""),
                    ] + tail)
            }
        }
        return t
    }

    /// Every setting of every optimizer: its score, finished runs, diverged and stalled runs
    /// (`ReportRun.isStalled`: completed without learning), and whether it was chosen.
    static func sensitivity(_ a: Analysis) -> Table {
        var t = Table(
            name: "sensitivity",
            headers: ["Optimizer", "Setting", "Selection score", "Runs finished", "Diverged", "Stalled", "Chosen"])
        for label in a.labels {
            for s in a.settings[label] ?? [] {
                let chosen = a.best[label]?.settingJSON == s.settingJSON
                let score = s.score.isNaN ? "not finished" : s.diverged > 0 ? "diverged" : Format.number(s.score)
                let stalled = String(s.runs.filter(\.isStalled).count)
                t.add([
                    (label, label), (s.settingJSON, s.settingJSON), (score, Format.full(s.score)),
                    ("\(s.runs.count)/\(s.total)", "\(s.runs.count)"),
                    (String(s.diverged), String(s.diverged)), (stalled, stalled),
                    (chosen ? "yes" : "", chosen ? "true" : "false"),
                ])
            }
        }
        return t
    }

    /// The loss every optimizer must reach for "epochs to target": the worst best-setting final train loss.
    static func target(_ a: Analysis) -> Double? {
        let finals = a.labels.compactMap { a.best[$0] }.map { s in
            Statistics.mean(s.runs.map { $0.curve(MetricName.trainLoss).last ?? .nan })
        }
        return finals.filter(\.isFinite).max()
    }

    static func comparison(_ a: Analysis) -> Table {
        let target = Self.target(a)
        // The paper's metric beside the full-pass cost, when the spec selects on another.
        let asTrained = plottedMetric(a.results.spec) == MetricName.minibatchLossMean
        var t = Table(
            name: "comparison",
            headers: [
                "Optimizer", "Final train loss",
            ] + (asTrained ? ["Final training cost as trained (minibatch_loss_mean)"] : []) + [
                "Best train loss", "Mean train loss over epochs (AUC)",
                "Final test loss", "Final test accuracy",
                "Epochs to reach \(target.map(Format.number) ?? "target") (never: epochs + 1)",
                "Seconds per epoch", "Diverged / finished runs",
            ])
        for label in a.labels {
            let all = a.results.runs.filter { $0.record.label == label }
            let finished = all.filter(\.isFinished)
            // Runs planned but not finished (a campaign in progress) are named apart, not counted.
            let toRun = all.count - finished.count
            let diverged =
                "\(finished.filter(\.isDiverged).count)/\(finished.count)"
                + (toRun > 0 ? " (\(toRun) to run)" : "")
            guard let best = a.best[label] else {
                t.add([(label, label)] + Array(repeating: ("-", ""), count: asTrained ? 8 : 7) + [(diverged, diverged)])
                continue
            }
            func cell(_ perRun: (ReportRun) -> Double) -> (String, String) {
                let values = best.runs.map(perRun)
                // A metric the model does not record (the VAE has no accuracy) is "-", not NaN.
                guard values.contains(where: { !$0.isNaN }) else { return ("-", "") }
                let e = Statistics.estimate(values)
                let csv =
                    e.interval.map {
                        "\(Format.full(e.mean)) [\(Format.full($0.lowerBound)), \(Format.full($0.upperBound))]"
                    } ?? Format.full(e.mean)
                return (Format.estimate(e), csv)
            }
            let loss: (ReportRun) -> [Double] = { $0.curve(MetricName.trainLoss) }
            t.add(
                [
                    (label, label),
                    cell { loss($0).last ?? .nan },
                ] + (asTrained ? [cell { $0.curve(MetricName.minibatchLossMean).last ?? .nan }] : []) + [
                    cell { loss($0).dropFirst().min() ?? .nan },
                    cell { Statistics.mean(Array(loss($0).dropFirst())) },
                    cell { $0.curve(MetricName.testLoss).last ?? .nan },
                    cell { $0.curve(MetricName.testAccuracy).last ?? .nan },
                    cell { run in
                        guard let target else { return .nan }
                        let curve = loss(run)
                        return Double(curve.firstIndex { $0 <= target * (1 + 1e-12) } ?? curve.count)
                    },
                    cell { Double($0.record.trainSeconds) / Double(max($0.record.epochsCompleted, 1)) },
                    (diverged, diverged),
                ])
        }
        return t
    }

    static func curvesAtEpochs(_ a: Analysis) -> Table {
        let horizon =
            a.labels.compactMap { a.best[$0]?.runs.map { $0.curve(MetricName.trainLoss).count - 1 }.max() }.max() ?? 0
        let epochs = Array(
            Set([1, max(1, horizon / 10), max(1, horizon / 2), horizon].filter { $0 >= 1 && $0 <= horizon })
        ).sorted()
        var t = Table(name: "curves_at_epochs", headers: ["Optimizer"] + epochs.map { "Train loss at epoch \($0)" })
        for label in a.labels {
            guard let best = a.best[label] else { continue }
            t.add(
                [(label, label)]
                    + epochs.map { e in
                        let values = best.runs.map { run -> Double in
                            let c = run.curve(MetricName.trainLoss)
                            return e < c.count ? c[e] : .nan
                        }
                        let m = Statistics.mean(values)
                        return (Format.number(m), Format.full(m))
                    })
        }
        return t
    }

    // MARK: plots

    /// The training-cost curve a figure plots: the spec's selection metric when it is a training
    /// cost (the paper's: with dropout, as trained, where the model has dropout), else the full pass.
    static func plottedMetric(_ spec: ExperimentSpec) -> MetricName {
        spec.selection.metric == .minibatchLossMean ? .minibatchLossMean : .trainLoss
    }

    static func axisLabel(_ metric: MetricName) -> String {
        metric == MetricName.minibatchLossMean
            ? "training cost as trained (epoch mean of minibatch losses)"
            : "training cost (full pass, no dropout, no L2)"
    }

    /// The setting an optimizer's curve shows: the selected one, else (every setting had a diverged
    /// seed) the one with the fewest diverged seeds and then the lowest mean over the others, drawn
    /// dashed and labelled as such; nil when nothing finished.
    static func plotted(_ a: Analysis, _ label: String) -> (SettingSummary, selected: Bool)? {
        if let best = a.best[label] { return (best, true) }
        let rule = a.results.spec.selection
        func rest(_ s: SettingSummary) -> Double {
            Statistics.mean(s.runs.filter { !$0.isDiverged }.map { rule.score($0.curve(rule.metric)) })
        }
        let candidates = (a.settings[label] ?? []).filter { !$0.runs.isEmpty }
        return candidates.min { x, y in
            let (rx, ry) = (rest(x), rest(y))
            return (x.diverged, rx.isFinite ? rx : .infinity, x.settingJSON)
                < (y.diverged, ry.isFinite ? ry : .infinity, y.settingJSON)
        }.map { ($0, false) }
    }

    /// One curve per optimizer (mean over its runs, band min to max), from epoch 1 when there are
    /// several epochs (the epoch-0 loss would fix the axis far from the differences), each diverged
    /// run marked where it stopped, and the paper's read-off values.
    static func trainingPlot(_ a: Analysis, metric: MetricName, paperValues: Bool) -> SVGPlot {
        var series: [SVGPlot.Series] = []
        for label in a.labels {
            guard let (summary, selected) = plotted(a, label) else { continue }
            // The mean and band over the runs that did not diverge; a diverged run as a thin line
            // up to where it stopped, marked there.
            let steady = summary.runs.filter { !$0.isDiverged }
            let curves = (steady.isEmpty ? summary.runs : steady).map { $0.curve(metric) }
            let length = summary.runs.map { $0.curve(metric).count }.max() ?? 0
            let first = length > 2 ? 1 : 0
            let epochs = Array(first..<max(length, first))
            func column(_ e: Int) -> [Double] { curves.compactMap { e < $0.count ? $0[e] : nil }.filter(\.isFinite) }
            var s = SVGPlot.Series(
                name: label, x: epochs.map(Double.init), mean: epochs.map { Statistics.mean(column($0)) },
                low: epochs.map { column($0).min() ?? .nan }, high: epochs.map { column($0).max() ?? .nan })
            for run in summary.runs where run.isDiverged {
                let curve = run.curve(metric)
                guard let e = curve.indices.last(where: { curve[$0].isFinite && $0 >= first }) else { continue }
                s.stops.append((Double(e), curve[e]))
                s.traces.append((first...e).map { (Double($0), curve[$0]) })
            }
            let diverged = summary.runs.filter(\.isDiverged).count
            if diverged > 0 { s.notes.append("\(diverged) of \(summary.runs.count) seeds diverged") }
            if !selected {
                s.notes.append(a.phases[label] == .tuning ? "tuning in progress" : "not selectable")
            }
            s.dashed = !selected
            series.append(s)
        }
        var references: [SVGPlot.Reference] = []
        if paperValues {
            for label in a.labels {
                for v in a.results.spec.paperValues[label] ?? [] {
                    references.append(.init(series: label, x: v.epoch, y: v.value))
                }
            }
        }
        let values = (series.flatMap(\.mean) + references.map(\.y)).filter { $0.isFinite && $0 > 0 }
        let logY = (values.max() ?? 1) / max(values.min() ?? 1, 1e-300) > 10
        let from = series.contains { $0.x.first == 1 } ? " (from epoch 1)" : ""
        var plot = SVGPlot(
            title: "\(a.results.spec.title) (\(a.results.scale) scale)", xLabel: "epochs\(from)",
            yLabel: axisLabel(metric), logY: logY, series: series)
        plot.references = references
        return plot
    }

    static func plots(_ a: Analysis) -> [(name: String, plot: SVGPlot)] {
        let metric = plottedMetric(a.results.spec)
        var plots = [(name: "training_loss", plot: trainingPlot(a, metric: metric, paperValues: true))]
        if metric != MetricName.trainLoss {
            plots.append(
                (
                    name: "training_loss_full_pass",
                    plot: trainingPlot(a, metric: MetricName.trainLoss, paperValues: false)
                ))
        }
        let horizon = a.results.runs.map { $0.curve(MetricName.trainLoss).count - 1 }.max() ?? 0
        for label in a.labels {
            if let plot = sensitivityPlot(a, label: label) {
                plots.append((name: "sensitivity_\(Table.snakeCase(label))", plot: plot))
            }
            // The paper's Figure 4 shows the loss after 10 epochs beside the loss at the end.
            if horizon > 10, let plot = sensitivityPlot(a, label: label, epochs: 10) {
                plots.append((name: "sensitivity_\(Table.snakeCase(label))_epoch10", plot: plot))
            }
        }
        return plots
    }

    /// The paper's Figure 4 panel form, for any optimizer whose grid varies the learning rate: the
    /// selection score against log10(lr), one line per combination of the other varying
    /// hyperparameters (e.g. beta1 and beta2). Diverged settings are left out of the lines.
    static func sensitivityPlot(_ a: Analysis, label: String, epochs: Int? = nil) -> SVGPlot? {
        let settings = a.settings[label] ?? []
        let rule = a.results.spec.selection
        let parsed = settings.compactMap { s -> (values: [String: Double], score: Double)? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(s.settingJSON.utf8)) as? [String: Any]
            else { return nil }
            var values: [String: Double] = [:]
            for (k, v) in object {
                if let n = v as? NSNumber, !(v is Bool) || String(cString: n.objCType) != "c" {
                    values[k] = n.doubleValue
                }
            }
            guard let epochs else { return (values, s.score) }
            let score =
                s.diverged > 0 || s.runs.isEmpty
                ? Double.nan
                : Statistics.mean(
                    s.runs.map {
                        SelectionRule.windowMean($0.curve(rule.metric), lastFraction: rule.lastFraction, epochs: epochs)
                    })
            return (values, score)
        }
        let rates = Set(parsed.compactMap { $0.values["lr"] })
        guard rates.count >= 2 else { return nil }
        let others = Set(parsed.flatMap { $0.values.keys }).subtracting(["lr"]).filter { key in
            Set(parsed.compactMap { $0.values[key] }).count > 1
        }.sorted()
        let groups = Dictionary(grouping: parsed) { p in
            others.map { "\($0)=\(Format.number(p.values[$0] ?? .nan))" }.joined(separator: ", ")
        }
        let series = groups.keys.sorted().map { key -> SVGPlot.Series in
            let points = groups[key]!.filter { $0.values["lr"] != nil }.sorted { $0.values["lr"]! < $1.values["lr"]! }
            let x = points.map { log10($0.values["lr"]!) }, y = points.map { $0.score.isFinite ? $0.score : .nan }
            return SVGPlot.Series(name: key.isEmpty ? label : key, x: x, mean: y, low: y, high: y)
        }
        let values = series.flatMap(\.mean).filter { $0.isFinite && $0 > 0 }
        let logY = (values.max() ?? 1) / max(values.min() ?? 1, 1e-300) > 10
        let when = epochs.map { "after \($0) epochs" } ?? "at the end"
        var plot = SVGPlot(
            title: "\(label): \(a.results.spec.selection.metric) \(when) vs learning rate (\(a.results.scale) scale)",
            xLabel: "log10(learning rate); diverged settings omitted", yLabel: a.results.spec.selection.metric.rawValue,
            logY: logY, series: series)
        plot.markers = true
        return plot
    }
}

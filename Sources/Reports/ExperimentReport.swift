import Experiments
import Foundation
import ResultStore

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

    static func bestSettings(_ a: Analysis) -> Table {
        var t = Table(
            name: "best_settings",
            headers: ["Optimizer", "Best setting", "Selection score", "Seeds", "Settings tried", "Diverged settings"])
        for label in a.labels {
            let list = a.settings[label] ?? []
            let diverged = list.filter { $0.diverged > 0 }.count
            if let best = a.best[label] {
                t.add([
                    (label, label), (best.settingJSON, best.settingJSON),
                    (Format.number(best.score), Format.full(best.score)),
                    (String(best.runs.count), String(best.runs.count)), (String(list.count), String(list.count)),
                    (String(diverged), String(diverged)),
                ])
            } else {
                t.add([
                    (label, label), ("none finished without divergence", ""), ("-", ""), ("0", "0"),
                    (String(list.count), String(list.count)), (String(diverged), String(diverged)),
                ])
            }
        }
        return t
    }

    static func sensitivity(_ a: Analysis) -> Table {
        var t = Table(
            name: "sensitivity",
            headers: ["Optimizer", "Setting", "Selection score", "Runs finished", "Diverged", "Chosen"])
        for label in a.labels {
            for s in a.settings[label] ?? [] {
                let chosen = a.best[label]?.settingJSON == s.settingJSON
                let score = s.score.isNaN ? "not finished" : s.diverged > 0 ? "diverged" : Format.number(s.score)
                t.add([
                    (label, label), (s.settingJSON, s.settingJSON), (score, Format.full(s.score)),
                    ("\(s.runs.count)/\(s.total)", "\(s.runs.count)"),
                    (String(s.diverged), String(s.diverged)), (chosen ? "yes" : "", chosen ? "true" : "false"),
                ])
            }
        }
        return t
    }

    /// The loss every optimizer must reach for "epochs to target": the worst best-setting final train loss.
    static func target(_ a: Analysis) -> Double? {
        let finals = a.labels.compactMap { a.best[$0] }.map { s in
            Statistics.mean(s.runs.map { $0.curve(MetricPoint.trainLoss).last ?? .nan })
        }
        return finals.filter(\.isFinite).max()
    }

    static func comparison(_ a: Analysis) -> Table {
        let target = Self.target(a)
        var t = Table(
            name: "comparison",
            headers: [
                "Optimizer", "Final train loss", "Best train loss", "Mean train loss over epochs (AUC)",
                "Final test loss", "Final test accuracy",
                "Epochs to reach \(target.map(Format.number) ?? "target") (never: epochs + 1)",
                "Seconds per epoch", "Diverged / total runs",
            ])
        for label in a.labels {
            let all = a.results.runs.filter { $0.record.label == label }
            let diverged = "\(all.filter(\.isDiverged).count)/\(all.count)"
            guard let best = a.best[label] else {
                t.add([(label, label)] + Array(repeating: ("-", ""), count: 7) + [(diverged, diverged)])
                continue
            }
            func cell(_ perRun: (ReportRun) -> Double) -> (String, String) {
                let e = Statistics.estimate(best.runs.map(perRun))
                let csv =
                    e.interval.map {
                        "\(Format.full(e.mean)) [\(Format.full($0.lowerBound)), \(Format.full($0.upperBound))]"
                    } ?? Format.full(e.mean)
                return (Format.estimate(e), csv)
            }
            let loss: (ReportRun) -> [Double] = { $0.curve(MetricPoint.trainLoss) }
            t.add([
                (label, label),
                cell { loss($0).last ?? .nan },
                cell { loss($0).dropFirst().min() ?? .nan },
                cell { Statistics.mean(Array(loss($0).dropFirst())) },
                cell { $0.curve(MetricPoint.testLoss).last ?? .nan },
                cell { $0.curve(MetricPoint.testAccuracy).last ?? .nan },
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
            a.labels.compactMap { a.best[$0]?.runs.map { $0.curve(MetricPoint.trainLoss).count - 1 }.max() }.max() ?? 0
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
                            let c = run.curve(MetricPoint.trainLoss)
                            return e < c.count ? c[e] : .nan
                        }
                        let m = Statistics.mean(values)
                        return (Format.number(m), Format.full(m))
                    })
        }
        return t
    }

    // MARK: plots

    static func plots(_ a: Analysis) -> [(name: String, plot: SVGPlot)] {
        var series: [SVGPlot.Series] = []
        for label in a.labels {
            guard let best = a.best[label] else { continue }
            let curves = best.runs.map { $0.curve(MetricPoint.trainLoss) }
            let length = curves.map(\.count).max() ?? 0
            let x = (0..<length).map(Double.init)
            func column(_ e: Int) -> [Double] { curves.compactMap { e < $0.count ? $0[e] : nil }.filter(\.isFinite) }
            series.append(
                .init(
                    name: label, x: x, mean: (0..<length).map { Statistics.mean(column($0)) },
                    low: (0..<length).map { column($0).min() ?? .nan },
                    high: (0..<length).map { column($0).max() ?? .nan }))
        }
        let values = series.flatMap(\.mean).filter { $0.isFinite && $0 > 0 }
        let logY = (values.max() ?? 1) / max(values.min() ?? 1, 1e-300) > 10
        let spec = a.results.spec
        let title = "\(spec.title) (\(a.results.scale) scale)"
        var plots = [
            (
                name: "training_loss",
                plot: SVGPlot(
                    title: title, xLabel: "epochs", yLabel: "training cost (full pass, no dropout, no L2)", logY: logY,
                    series: series)
            )
        ]
        let horizon = a.results.runs.map { $0.curve(MetricPoint.trainLoss).count - 1 }.max() ?? 0
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
                        Analysis.windowMean($0.curve(rule.metric), lastFraction: rule.lastFraction, epochs: epochs)
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
            xLabel: "log10(learning rate); diverged settings omitted", yLabel: a.results.spec.selection.metric,
            logY: logY, series: series)
        plot.markers = true
        return plot
    }
}

import Foundation
import ResultStore
import Vocabulary

/// What an iteration costs, for experiments that include optimizers driving the objective themselves
/// (SFO, L-BFGS; the paper's Figure 2b reports SFO as 5-10x slower per iteration than Adam): per
/// optimizer at its best setting, iterations per epoch, training seconds per iteration and that as a
/// multiple of Adam's, objective (minibatch/subfunction) evaluations per epoch, the optimizer's own
/// memory, the peak resident memory of the process that ran it (shared with any runs beside it when
/// --jobs > 1), and the runs' notes. Also the training loss against training seconds.
enum IterationCost {
    static let quasiNewton: Set<String> = ["sfo", "lbfgs"]

    static func applies(_ a: Analysis) -> Bool { a.results.runs.contains { quasiNewton.contains($0.record.optimizer) } }

    static func table(_ a: Analysis) -> Table {
        var t = Table(
            name: "iteration_cost",
            headers: [
                "Optimizer", "Iterations per epoch", "Seconds per iteration", "Relative to Adam",
                "Evaluations per epoch", "Optimizer memory (MiB)", "Peak RSS (MiB)", "Notes",
            ])
        func secondsPerIteration(_ s: SettingSummary) -> Double {
            let runs = s.runs.filter { $0.record.stepsCompleted > 0 }
            return Statistics.mean(runs.map { $0.record.trainSeconds / Double($0.record.stepsCompleted) })
        }
        let reference = a.best["Adam"].map(secondsPerIteration)
        for label in a.labels {
            guard let best = a.best[label] else { continue }
            let runs = best.runs.filter { $0.record.epochsCompleted > 0 }
            let iterations = Statistics.mean(
                runs.map { Double($0.record.stepsCompleted) / Double($0.record.epochsCompleted) })
            let seconds = secondsPerIteration(best)
            let ratio = reference.map { seconds / $0 } ?? .nan
            func last(_ metric: MetricName) -> [Double] { runs.compactMap { $0.curve(metric).last(where: \.isFinite) } }
            let evaluations = runs.compactMap { run in
                run.curve(MetricName.objectiveEvaluations).last(where: \.isFinite).map {
                    $0 / Double(run.record.epochsCompleted)
                }
            }
            let memory = last(MetricName.optimizerMemoryBytes), peak = last(MetricName.peakResidentBytes)
            func mib(_ v: [Double]) -> (String, String) {
                v.isEmpty ? ("-", "") : (Format.number(v.max()! / 1_048_576), Format.full(v.max()! / 1_048_576))
            }
            let notes = Array(Set(best.runs.flatMap(\.record.notes))).sorted().joined(separator: " ")
            t.add([
                (label, label), (Format.number(iterations), Format.full(iterations)),
                (Format.number(seconds), Format.full(seconds)),
                ratio.isFinite ? (Format.number(ratio) + "x", Format.full(ratio)) : ("-", ""),
                evaluations.isEmpty
                    ? ("1 per iteration", "")
                    : (Format.number(Statistics.mean(evaluations)), Format.full(Statistics.mean(evaluations))),
                mib(memory), mib(peak), (notes.isEmpty ? "" : notes, notes),
            ])
        }
        return t
    }

    /// Training loss against training seconds (mean over the best setting's seeds at each epoch).
    static func wallTimePlot(_ a: Analysis) -> SVGPlot {
        var series: [SVGPlot.Series] = []
        for label in a.labels {
            guard let best = a.best[label] else { continue }
            let length = best.runs.map { min($0.curve(MetricName.trainLoss).count, $0.trainSeconds.count) }.min() ?? 0
            guard length > 0 else { continue }
            let x = (0..<length).map { e in Statistics.mean(best.runs.map { $0.trainSeconds[e] }) }
            let values = (0..<length).map { e in best.runs.map { $0.curve(MetricName.trainLoss)[e] }.filter(\.isFinite)
            }
            series.append(
                .init(
                    name: label, x: x, mean: values.map { Statistics.mean($0) },
                    low: values.map { $0.min() ?? .nan }, high: values.map { $0.max() ?? .nan }))
        }
        let positive = series.flatMap(\.mean).filter { $0.isFinite && $0 > 0 }
        let logY = (positive.max() ?? 1) / max(positive.min() ?? 1, 1e-300) > 10
        return SVGPlot(
            title: "\(a.results.spec.title) (\(a.results.scale) scale), by training time", xLabel: "training seconds",
            yLabel: "training cost (full pass, no dropout, no L2)", logY: logY, series: series)
    }
}

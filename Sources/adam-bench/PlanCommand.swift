import ArgumentParser
import Experiments
import Foundation
import NeuralNetworks
import Plan
import ResultStore
import Runner

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "List the runs of the given specs at a scale: which are done, and the estimated time.",
        discussion: """
            A spec with a tuning protocol is planned in stages: the tuning runs (every grid point on the tuning \
            seeds), the grid extensions and the confirm runs that the recorded results (--db) have decided so far, \
            and an estimate of the confirm stage still to come. The totals compare the staged cost with running \
            every setting on every seed. Estimates are the cost model's (single-core seconds, calibrated on one \
            host); with --db, the plan's runs completed on this CPU (as their provenance names it) also give the \
            ratio of their recorded training seconds to those estimates, per optimizer and in all, and what remains \
            with each run priced at its optimizer's ratio (else the overall one).
            """)

    @Argument(help: "Experiment spec files (YAML).")
    var specs: [String]

    @Option(help: "Scale profile.")
    var scale: String = "quick"

    @Option(help: "A results database, to show which runs are already recorded (read only).")
    var db: String?

    @Flag(help: "Only the totals.")
    var summary = false

    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        let loaded = try SpecLoading.load(specs)
        var store: ResultStore?
        if let db {
            guard FileManager.default.fileExists(atPath: db) else {
                throw CommandFailure("--db \(db): no such database")
            }
            do { store = try ResultStore(path: db, readOnly: true) } catch let e as StoreError {
                throw CommandFailure(e.description)
            }
        }
        let planner = StagedPlanner(
            entries: try SpecLoading.fingerprinted(loaded, catalog: data.catalog), scale: scale,
            blasKernels: BLASKernel.identity, store: store, registersRuns: false)
        let planned: [(ExperimentSpec, StagedPlan)]
        do { planned = try planner.resolve() } catch let failure as RunPlan.Failure {
            throw CommandFailure(failure.description)
        }
        var status: [String: String] = [:]
        var pace = RecordedPace()
        if let store {
            let runs = Dictionary(
                planned.flatMap { $0.1.runs.map { ($0.key, $0) } }, uniquingKeysWith: { first, _ in first })
            for record in try store.runs(keys: Array(runs.keys)) {
                status[record.key] = "\(record.status.rawValue) \(record.epochsCompleted)/\(record.epochsPlanned)"
                if let run = runs[record.key] {
                    do { try pace.add(record, run) } catch let e as StoreError { throw CommandFailure(e.description) }
                }
            }
        }
        func isDone(_ run: PlannedRun) -> Bool {
            let state = status[run.key] ?? ""
            return state.hasPrefix("completed") || state.hasPrefix("diverged")
        }
        var total = StageCost()
        if !summary {
            print("run_key\texperiment\toptimizer\thyperparameters\tseed\tstage\tepochs\tstatus\testimated_seconds")
        }
        for (spec, plan) in planned {
            let cost = StageCost(plan, isDone: isDone, pace: pace)
            if !summary {
                for run in plan.runs {
                    print(
                        [
                            String(run.key.prefix(16)), spec.name, run.label, RunPlan.compactJSON(run.setting),
                            String(run.seed), run.stage.rawValue, String(run.training.epochs),
                            status[run.key] ?? "pending", String(Int(CostModel.estimatedSeconds(run))),
                        ].joined(separator: "\t"))
                }
            }
            let sfoBytes = plan.runs.compactMap(CostModel.sfoMemoryBytes).max() ?? 0
            print(
                "# \(spec.name): \(cost.describe(plan.tuning))"
                    + (sfoBytes > 0 ? "; SFO runs need up to \(Int(sfoBytes / 1_048_576)) MiB each" : ""))
            let paces = plan.optimizers.compactMap { o in
                o.runs.first.flatMap(pace.ratio)
                    .map { "\(o.label) " + String(format: "%.2fx", $0) }
            }
            if !paces.isEmpty { print("# \(spec.name) on this CPU, by optimizer: \(paces.joined(separator: ", "))") }
            total.add(cost)
        }
        print("# OpenBLAS kernel set: \(BLASKernel.inUse) (\(BLASKernel.origin)); BLAS-using runs are keyed to it")
        print(
            "# total at scale \(scale): \(total.runs + total.expectedRuns) runs, about \(hours(total.seconds + total.expectedSeconds)) core-hours"
                + (db == nil ? "" : ", \(hours(total.remainingSeconds + total.expectedSeconds)) remaining")
                + (total.expectedRuns > 0 ? " (\(total.expectedRuns) of them stages still to be decided)" : "")
                + "; every setting on every seed: \(total.fullRuns) runs, \(hours(total.fullSeconds)) core-hours")
        if let factor = pace.factor {
            print(
                "# on this CPU (\(pace.cpu)): \(pace.runs) completed runs of this plan took "
                    + String(format: "%.2fx", factor)
                    + " the estimate (\(hours(pace.measuredSeconds)) core-hours); "
                    + "what remains at each optimizer's pace: \(hours(total.pacedSeconds)) core-hours")
        }
    }
}

func hours(_ seconds: Double) -> String { String(format: "%.2f", seconds / 3600) }

/// A staged plan's cost: the runs known, the confirm runs still to be decided (estimated from the
/// optimizer's mean setting), and the full grid on every seed for comparison.
struct StageCost {
    var runs = 0, expectedRuns = 0, fullRuns = 0
    var seconds = 0.0, remainingSeconds = 0.0, expectedSeconds = 0.0, fullSeconds = 0.0, pacedSeconds = 0.0
    var tuningRuns = 0, extensionRuns = 0, confirmRuns = 0
    var tuningSeconds = 0.0, extensionSeconds = 0.0, confirmSeconds = 0.0

    init() {}

    /// With `pace`, `pacedSeconds` is what remains (the expected confirm runs included) priced at
    /// each optimizer's recorded pace on this CPU.
    init(_ plan: StagedPlan, isDone: (PlannedRun) -> Bool, pace: RecordedPace? = nil) {
        let seeds = plan.tuning.seeds.count + plan.tuning.newConfirmSeeds.count
        for o in plan.optimizers {
            for run in o.runs {
                let estimate = CostModel.estimatedSeconds(run)
                runs += 1
                seconds += estimate
                if !isDone(run) {
                    remainingSeconds += estimate
                    pacedSeconds += pace?.expectedSeconds(run) ?? estimate
                }
                switch run.stage {
                case .grid: (tuningRuns, tuningSeconds) = (tuningRuns + 1, tuningSeconds + estimate)
                case .extension: (extensionRuns, extensionSeconds) = (extensionRuns + 1, extensionSeconds + estimate)
                case .confirm: (confirmRuns, confirmSeconds) = (confirmRuns + 1, confirmSeconds + estimate)
                }
            }
            // One run per seed of a setting costs the mean of the optimizer's tuning runs.
            let tuning = o.points.flatMap(\.runs)
            let perRun = tuning.map(CostModel.estimatedSeconds).reduce(0, +) / Double(max(tuning.count, 1))
            if o.selected == nil && o.phase == .tuning {
                let expected = perRun * Double(plan.tuning.newConfirmSeeds.count)
                expectedRuns += plan.tuning.newConfirmSeeds.count
                expectedSeconds += expected
                let factor = tuning.first.flatMap { pace?.factor($0) } ?? 1
                pacedSeconds += factor * expected
            }
            fullRuns += o.points.count * seeds
            fullSeconds += perRun * Double(o.points.count * seeds)
        }
    }

    mutating func add(_ other: StageCost) {
        runs += other.runs
        expectedRuns += other.expectedRuns
        fullRuns += other.fullRuns
        seconds += other.seconds
        remainingSeconds += other.remainingSeconds
        expectedSeconds += other.expectedSeconds
        fullSeconds += other.fullSeconds
        pacedSeconds += other.pacedSeconds
    }

    func describe(_ tuning: ResolvedTuning) -> String {
        var text = "\(runs + expectedRuns) runs, about \(hours(seconds + expectedSeconds)) core-hours"
        guard tuning.isStaged || extensionRuns > 0 else { return text }
        text +=
            "; tuning on seeds \(tuning.seeds.map(String.init).joined(separator: ",")): \(tuningRuns) runs, \(hours(tuningSeconds)) h"
        if extensionRuns > 0 { text += "; grid extensions: \(extensionRuns) runs, \(hours(extensionSeconds)) h" }
        if tuning.isStaged {
            text +=
                "; confirm on seeds \(tuning.confirmSeeds.map(String.init).joined(separator: ",")): "
                + "\(confirmRuns + expectedRuns) runs, \(hours(confirmSeconds + expectedSeconds)) h"
                + (expectedRuns > 0 ? " (\(expectedRuns) once tuning selects)" : "")
            text += "; every setting on every seed: \(fullRuns) runs, \(hours(fullSeconds)) h"
        }
        return text
    }
}

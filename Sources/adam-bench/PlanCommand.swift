import ArgumentParser
import Experiments
import Foundation
import NeuralNetworks
import ResultStore

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "List the runs of the given specs at a scale: which are done, and the estimated time.")

    @Argument(help: "Experiment spec files (YAML).")
    var specs: [String]

    @Option(help: "Scale profile.")
    var scale: String = "quick"

    @Option(help: "A results database, to show which runs are already recorded.")
    var db: String?

    @Flag(help: "Only the totals.")
    var summary = false

    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        let planned = try SpecLoading.plan(try SpecLoading.load(specs), scale: scale, catalog: data.catalog)
        var status: [String: String] = [:]
        if let db {
            guard FileManager.default.fileExists(atPath: db) else {
                throw CommandFailure("--db \(db): no such database")
            }
            let store: ResultStore
            do { store = try ResultStore(path: db) } catch let e as StoreError { throw CommandFailure(e.description) }
            for record in try store.runs(keys: planned.flatMap { $0.1.map(\.key) }) {
                status[record.key] = "\(record.status.rawValue) \(record.epochsCompleted)/\(record.epochsPlanned)"
            }
        }
        var totalRuns = 0, totalSeconds = 0.0, remainingSeconds = 0.0
        if !summary {
            print("run_key\texperiment\toptimizer\thyperparameters\tseed\tepochs\tstatus\testimated_seconds")
        }
        for (spec, runs) in planned {
            var seconds = 0.0
            var sfoBytes = 0.0
            for run in runs {
                sfoBytes = max(sfoBytes, SpecLoading.sfoMemoryBytes(run) ?? 0)
                let estimate = SpecLoading.estimatedSeconds(run)
                seconds += estimate
                let state = status[run.key] ?? "pending"
                if !state.hasPrefix("completed") && !state.hasPrefix("diverged") { remainingSeconds += estimate }
                if !summary {
                    print(
                        "\(run.key.prefix(16))\t\(spec.name)\t\(run.label)\t\(RunPlan.compactJSON(run.setting))\t\(run.seed)\t\(run.training.epochs)\t\(state)\t\(Int(estimate))"
                    )
                }
            }
            totalRuns += runs.count
            totalSeconds += seconds
            print(
                "# \(spec.name): \(runs.count) runs, about \(String(format: "%.2f", seconds / 3600)) core-hours"
                    + (sfoBytes > 0 ? "; SFO runs need up to \(Int(sfoBytes / 1_048_576)) MiB each" : ""))
        }
        print("# OpenBLAS kernel set: \(BLASKernel.inUse) (\(BLASKernel.origin)); BLAS-using runs are keyed to it")
        print(
            "# total at scale \(scale): \(totalRuns) runs, about \(String(format: "%.2f", totalSeconds / 3600)) core-hours"
                + (db == nil ? "" : ", \(String(format: "%.2f", remainingSeconds / 3600)) remaining"))
    }
}

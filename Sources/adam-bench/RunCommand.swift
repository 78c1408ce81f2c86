import ArgumentParser
import Datasets
import Experiments
import Foundation
import NeuralNetworks
import ResultStore
import Runner

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the experiments of the given specs at a scale, recording every curve in the database.",
        discussion: """
            A spec with a tuning protocol runs in stages (tuning, grid extensions, confirm), each as soon as the results
            it depends on are in; an invocation goes through every stage and a later one resumes where it stopped.
            Completed runs (same run key) are not run again unless --force; interrupted or killed runs resume from their
            last epoch checkpoint (SFO and L-BFGS runs, which keep no checkpoint, start over and record the same curve);
            two processes on one database split the runs. Ctrl-C stops cleanly (exit 130).
            Exit status: 0 when every run completed or diverged, 1 when a run failed, 130 when interrupted.
            """)

    @Argument(help: "Experiment spec files (YAML).")
    var specs: [String]

    @Option(help: "The results database (SQLite); created when missing.")
    var db: String

    @Option(help: "Scale profile: smoke, quick, paper, or another the specs define.")
    var scale: String = "quick"

    @Option(help: "Runs trained side by side (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Run again even the runs already recorded.")
    var force = false

    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        guard jobs >= 1 else { throw CommandFailure("--jobs: expected a positive number of workers, got \(jobs)") }
        let loaded = try SpecLoading.load(specs)
        let catalog = data.catalog
        let store: ResultStore
        do { store = try ResultStore(path: db) } catch let e as StoreError { throw CommandFailure(e.description) }
        let planner = StagedPlanner(
            entries: try SpecLoading.fingerprinted(loaded, catalog: catalog), scale: scale,
            blasKernels: BLASKernel.identity, store: store)
        for spec in loaded {
            try store.registerExperiment(
                name: spec.name, title: spec.title, specPath: spec.sourcePath, specText: spec.sourceText)
        }
        var plans = try SpecLoading.plans(planner)
        if force {
            // Every stage is run again: forget what the finished runs decided, then re-plan.
            try store.reset(keys: Array(plans.keys))
            planner.forgetOutcomes()
            plans = try SpecLoading.plans(planner)
        }
        let records = try store.runs(keys: Array(plans.keys))
        for record in records where record.status == .failed {
            print(
                "previously failed, running again: \(record.experiment) \(record.label) \(record.settingJSON) seed \(record.seed): \(record.errorText ?? "")"
            )
        }
        try store.retryFailed(keys: records.filter { $0.status == .failed }.map(\.key))
        let done = records.filter { $0.status == .completed || $0.status == .diverged }.count
        let stagesLeft = try planner.resolve().filter { !$0.1.isDecided }.map { $0.0.name }
        print(
            "\(plans.count) runs at scale \(scale): \(done) already recorded, \(plans.count - done) to run with \(jobs) worker\(jobs == 1 ? "" : "s")"
                + (stagesLeft.isEmpty
                    ? "" : "; later stages of \(stagesLeft.joined(separator: ", ")) follow from their results")
        )
        let cancellation = Cancellation()
        let signals = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { cancellation.cancel() }
            source.resume()
            return source
        }
        let progress = ProgressReporter(total: plans.count, alreadyDone: done)
        let executor = RunExecutor(
            store: store, provider: DataProvider(catalog: catalog), jobs: jobs, cancellation: cancellation,
            progress: progress)
        let known = ProtectedCount(plans.count)
        let summary = executor.execute(plans) {
            let next = try SpecLoading.plans(planner)
            progress.planned(more: known.update(next.count))
            return next
        }
        progress.stop()
        signals.forEach { $0.cancel() }
        store.checkpointIfLastWriter()
        print(
            "completed \(summary.completed), diverged \(summary.diverged), failed \(summary.failed)"
                + (summary.interrupted > 0 ? ", interrupted \(summary.interrupted)" : ""))
        if summary.runSeconds > 0 {
            print(
                String(
                    format: "recording: %.3f s of %.3f s of run time (%.2f%%)", summary.recordingSeconds,
                    summary.runSeconds,
                    100 * summary.recordingSeconds / summary.runSeconds))
        }
        if cancellation.isCancelled {
            print("interrupted: runs in progress resume from their last epoch on the next `adam-bench run`")
            throw ExitCode(130)
        }
        if summary.failed > 0 {
            throw CommandFailure(
                summary.failures.map { "run \($0.key.prefix(12)): \($0.message)" }.joined(separator: "\n"))
        }
    }
}

/// A count shared with the executor's re-planning: `update` stores a new value and returns the
/// increase.
final class ProtectedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int

    init(_ value: Int) { self.value = value }

    func update(_ next: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let increase = next - value
        value = max(value, next)
        return max(0, increase)
    }
}

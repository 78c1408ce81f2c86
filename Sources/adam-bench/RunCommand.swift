import ArgumentParser
import Datasets
import Experiments
import Foundation
import NeuralNetworks
import Plan
import ResultStore
import Runner
import Synchronization

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the experiments of the given specs at a scale, recording every curve in the database.",
        discussion: """
            A spec with a tuning protocol runs in stages (tuning, grid extensions, confirm), each as soon as the results \
            it depends on are in; workers take the runs a later stage waits for (tuning, extensions) before confirm \
            runs. An invocation goes through every stage and a later one resumes where it stopped.

            Completed runs (same run key) are not run again unless --force; interrupted or killed runs resume from their \
            last epoch checkpoint (SFO and L-BFGS runs, which keep no checkpoint, start over and record the same curve); \
            two processes on one database split the runs. Ctrl-C stops cleanly (exit 130).

            With --time-limit, only runs whose estimated remaining time fits in what is left of the limit start, and at \
            the limit the runs in progress stop as Ctrl-C stops them; what is left is printed. The estimate is the cost \
            model's (`adam-bench plan`) at this invocation's measured pace: once a minute of epochs has been timed, \
            estimates are scaled by the ratio of the epochs' wall time to the model's estimate for them (that of the \
            run's optimizer once it has a minute of its own).

            Exit status: 0 when every run completed or diverged, 1 when a run failed or the database's storage \
            failed (the disk full, an I/O error, its write lock held past ADAMBENCH_BUSY_TIMEOUT seconds, 60 by \
            default: what is recorded stays, and the same command resumes), 130 when interrupted, 75 when the time \
            limit left runs to do (incomplete, resumable: run the same command again; SLURM's RequeueExit can \
            requeue on it).
            """)

    /// `run`'s exit status when a time limit left runs to do (sysexits' EX_TEMPFAIL).
    static let incompleteExitCode: Int32 = 75

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

    @Option(
        help: ArgumentHelp(
            "Stop cleanly within this time (e.g. 5400, 90m, 2h, 1h30m, 1:30:00); exit 75 when runs remain.",
            valueName: "duration"))
    var timeLimit: TimeLimit?

    @Option(
        help: ArgumentHelp(
            "Run only shard I of N of the plan (e.g. 2/8), balanced by estimated cost; write each shard to its own --db.",
            valueName: "I/N"))
    var shard: ShardSpec?

    @Option(
        help: ArgumentHelp(
            "A database (a campaign's merged shards) whose finished runs count as done and decide later stages; read only.",
            valueName: "db"))
    var outcomes: [String] = []

    @Option(
        help: ArgumentHelp(
            "Refuse to run unless this process computes with this OpenBLAS kernel set (a campaign's, e.g. haswell).",
            valueName: "name"))
    var expectKernels: String?

    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        guard jobs >= 1 else { throw CommandFailure("--jobs: expected a positive number of workers, got \(jobs)") }
        if let expectKernels, expectKernels.lowercased() != BLASKernel.identity.lowercased() {
            throw CommandFailure(
                "--expect-kernels \(expectKernels): this process computes with OpenBLAS's \(BLASKernel.inUse) kernels "
                    + "(\(BLASKernel.origin)), whose runs have other keys and curves; run this task on a node of the "
                    + "campaign's CPU family, or set OPENBLAS_CORETYPE=\(expectKernels) if this CPU supports it")
        }
        let loaded = try SpecLoading.load(specs)
        let catalog = data.catalog
        let (store, sources) = try openStores()
        let planner = StagedPlanner(
            entries: try SpecLoading.fingerprinted(loaded, catalog: catalog), scale: scale,
            blasKernels: BLASKernel.identity, store: store, registersRuns: shard == nil, outcomeSources: sources)
        for spec in loaded {
            try store.registerExperiment(
                name: spec.name, title: spec.title, specPath: spec.sourcePath, specText: spec.sourceText)
        }
        var plans = try SpecLoading.plans(planner)
        if let shard {
            // A shard database has one task at a time: a claim in it is a killed task's.
            try store.releaseAllClaims()
            // The runs the outcome databases have not finished, split by cost; this task's part.
            let open = try plans.values.filter { try !planner.finishedElsewhere($0.key) }
            let partition = ShardPartition(open, count: shard.count, estimate: CostModel.estimatedSeconds)
            let part = partition.shards[shard.index - 1]
            try store.ensureRuns(part.map { try $0.newRun() })
            plans = Dictionary(uniqueKeysWithValues: part.map { ($0.key, $0) })
            print(
                "shard \(shard): \(part.count) of \(open.count) open runs, about "
                    + "\(String(format: "%.2f", partition.loads[shard.index - 1] / 3600)) core-hours")
        }
        if force {
            // Every stage is run again: forget what the finished runs decided, then re-plan.
            guard shard == nil else {
                throw CommandFailure("--force: not with --shard (force a campaign on one database)")
            }
            try store.reset(keys: Array(plans.keys))
            planner.forgetOutcomes()
            plans = try SpecLoading.plans(planner)
        }
        let done = try announce(plans, store: store, planner: planner)
        let cancellation = Cancellation()
        let deadline = timeLimit.map { Date().addingTimeInterval($0.seconds) }
        let limitReached = Cancellation()
        let timer = deadline.map { deadline -> DispatchSourceTimer in
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + deadline.timeIntervalSinceNow)
            timer.setEventHandler {
                limitReached.cancel()
                cancellation.cancel()
            }
            timer.resume()
            return timer
        }
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
        var admit: (@Sendable (PlannedRun, Int) -> Bool)?
        if let deadline {
            // Tests scale the estimates (ADAMBENCH_TEST_ESTIMATE_FACTOR) to start a run the limit then cuts.
            let factor = ProcessInfo.processInfo.environment["ADAMBENCH_TEST_ESTIMATE_FACTOR"].flatMap(Double.init) ?? 1
            // The model's estimate at this process's measured pace (`Pace`).
            admit = { [pace = executor.pace] run, epochsDone in
                Date().addingTimeInterval(pace.expectedSeconds(run, epochsDone: epochsDone) * factor) <= deadline
            }
        }
        // A shard cannot decide later stages alone (the other shards hold the rest of the results).
        var replan: (@Sendable () throws -> [String: PlannedRun])?
        if shard == nil {
            replan = {
                let next = try SpecLoading.plans(planner)
                progress.planned(more: known.update(next.count))
                return next
            }
        }
        let summary = executor.execute(plans, replan: replan, admit: admit)
        timer?.cancel()
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
        if !summary.storageFailures.isEmpty {
            throw CommandFailure(summary.storageFailures.joined(separator: "\n"))
        }
        if cancellation.isCancelled && !limitReached.isCancelled {
            print("interrupted: runs in progress resume from their last epoch on the next `adam-bench run`")
            throw ExitCode(130)
        }
        if let timeLimit, try reportWhatIsLeft(after: timeLimit, store: store, planner: planner, pace: executor.pace),
            summary.failed == 0
        {
            throw ExitCode(Self.incompleteExitCode)
        }
        if summary.failed > 0 {
            throw CommandFailure(
                summary.failures.map { "run \($0.key.prefix(12)): \($0.message)" }.joined(separator: "\n"))
        }
    }
}

extension RunCommand {
    /// The database to write (created when missing) and the `--outcomes` databases (read only).
    /// A database at rest (no -wal beside it: no process has it open) that holds no runs gets a
    /// word: likely a copy made without its -wal.
    func openStores() throws -> (ResultStore, [ResultStore]) {
        let atRest = FileManager.default.fileExists(atPath: db) && !FileManager.default.fileExists(atPath: db + "-wal")
        do {
            let store = try ResultStore(path: db)
            if atRest, try store.holdsNoRuns() {
                FileHandle.standardError.write(
                    Data("note: \(StoreError.noRuns(db)); every run starts from the beginning\n".utf8))
            }
            let sources = try outcomes.map { path in
                guard FileManager.default.fileExists(atPath: path) else {
                    throw StoreError("--outcomes \(path): no such database")
                }
                return try ResultStore(path: path, readOnly: true)
            }
            return (store, sources)
        } catch let e as StoreError { throw CommandFailure(e.description) }
    }

    /// Prints the failed runs that run again (each once per invocation: put back to pending) and
    /// the plan's counts; returns how many runs are already recorded.
    func announce(_ plans: [String: PlannedRun], store: ResultStore, planner: StagedPlanner) throws -> Int {
        let records = try store.runs(keys: Array(plans.keys))
        for record in records where record.status == .failed {
            print(
                "previously failed, running again: \(record.experiment) \(record.label) \(record.settingJSON) "
                    + "seed \(record.seed): \(record.errorText ?? "")")
        }
        try store.retryFailed(keys: records.filter { $0.status == .failed }.map(\.key))
        let done = records.filter { $0.status == .completed || $0.status == .diverged }.count
        let stagesLeft = try planner.resolve().filter { !$0.1.isDecided }.map { $0.0.name }
        let stages = stagesLeft.joined(separator: ", ")
        let later =
            stagesLeft.isEmpty
            ? ""
            : shard == nil
                ? "; later stages of \(stages) follow from their results"
                : "; later stages of \(stages) follow once the shards are merged (adam-bench merge) and run "
                    + "again with --outcomes MERGED"
        print(
            "\(plans.count) runs at scale \(scale): \(done) already recorded, \(plans.count - done) to run with "
                + "\(jobs) worker\(jobs == 1 ? "" : "s")" + later)
        return done
    }

    /// After a time limit: prints the runs (and the undecided stages) left with their estimated
    /// cost at the measured pace; returns whether anything is left.
    func reportWhatIsLeft(
        after timeLimit: TimeLimit, store: ResultStore, planner: StagedPlanner, pace: Pace
    ) throws -> Bool {
        let final = try SpecLoading.plans(planner)
        let finished = Set(
            try store.runs(keys: Array(final.keys)).filter { $0.status == .completed || $0.status == .diverged }
                .map(\.key))
        let left = final.values.filter { !finished.contains($0.key) }
        let undecided = try planner.resolve().filter { !$0.1.isDecided }.count
        guard !left.isEmpty || undecided > 0 else { return false }
        let hours = left.map { pace.expectedSeconds($0, epochsDone: 0) }.reduce(0, +) / 3600
        let measured =
            pace.factor == 1 ? "" : String(format: " at this run's pace, %.2fx the cost model's estimate", pace.factor)
        let stages = undecided > 0 ? ", and later stages of \(undecided) spec\(undecided == 1 ? "" : "s")" : ""
        print(
            "time limit \(Int(timeLimit.seconds)) s: \(left.count) runs left (about "
                + "\(String(format: "%.2f", hours)) core-hours\(measured))\(stages); the same command resumes them")
        return true
    }
}

/// A count shared with the executor's re-planning: `update` stores a new value and returns the
/// increase.
final class ProtectedCount: Sendable {
    private let value: Mutex<Int>

    init(_ value: Int) { self.value = Mutex(value) }

    func update(_ next: Int) -> Int {
        value.withLock { value in
            let increase = next - value
            value = max(value, next)
            return max(0, increase)
        }
    }
}

extension ShardSpec: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

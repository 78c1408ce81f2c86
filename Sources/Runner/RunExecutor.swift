import Datasets
import Experiments
import Foundation
import NeuralNetworks
import Plan
import ResultStore
import Synchronization

/// Runs a plan's runs side by side on `jobs` worker threads, each with single-threaded OpenBLAS.
///
/// Workers claim runs from the store one at a time (the runs later stages wait for first, then the
/// most expensive), so several processes on the same database split the work; a run claimed by a
/// process that no longer exists on this host (killed) is reclaimed and resumes from its checkpoint.
/// A failure in one run marks it `failed` with the error and the others go on. Cancellation
/// (Ctrl-C) releases the runs in progress; their last checkpoints stay, so the next invocation
/// resumes them. A storage failure (the disk full, an I/O error, the write lock held past the busy
/// timeout: `StoreError.isStorageFailure`) is no run's fault: it stops every worker as a
/// cancellation does, and the summary carries its message.
public final class RunExecutor: Sendable {
    public struct Summary: Sendable {
        public var completed = 0, diverged = 0, failed = 0, interrupted = 0
        public var failures: [(key: String, message: String)] = []
        /// The storage failures that stopped the workers, each message once.
        public var storageFailures: [String] = []
        /// Seconds the runs spent writing to the store, and in total (summed over workers).
        public var recordingSeconds = 0.0, runSeconds = 0.0
    }

    let store: ResultStore
    let provider: DataProvider
    let jobs: Int
    let cancellation: Cancellation
    let progress: ProgressReporter
    let provenance: Provenance
    let owner: String
    /// This process's epochs against the cost model's estimate, for `--time-limit`'s admission.
    public let pace = Pace()

    public init(
        store: ResultStore, provider: DataProvider, jobs: Int, cancellation: Cancellation, progress: ProgressReporter
    ) {
        self.store = store
        self.provider = provider
        self.jobs = max(1, jobs)
        self.cancellation = cancellation
        self.progress = progress
        provenance = Provenance.collect(numericsVersion: RunPlan.numericsVersion)
        owner = "\(ProcessInfo.processInfo.hostName):\(getpid())"
    }

    /// Whether a run's recorded owner is gone: a process of this host that no longer exists, or an
    /// owner on another host silent for over an hour.
    static func isStale(owner: String?, heartbeat: Double?) -> Bool {
        guard let owner else { return true }
        let parts = owner.split(separator: ":")
        if parts.count == 2, String(parts[0]) == ProcessInfo.processInfo.hostName, let pid = Int32(parts[1]) {
            return kill(pid, 0) != 0 && errno == ESRCH
        }
        return Date().timeIntervalSince1970 - (heartbeat ?? 0) > 3600
    }

    /// Executes every runnable run of `plans` (keyed by run key) and returns what happened.
    ///
    /// With `replan`, the plan grows as runs finish (the stages of `StagedPlan`): before it claims,
    /// a worker asks `replan` for the plan as the finished runs now decide it — once per finished
    /// run, one worker at a time — so a stage's runs join the plan as soon as the runs it waits for
    /// finish; a worker that finds nothing to claim waits while other workers' runs may still add
    /// to it. `replan` returns the whole plan (new runs already registered in the store). Workers
    /// claim the runs later stages wait for (`RunStage.decidesLaterStages`: grid and extension
    /// runs) before confirm runs, so that a selection at a grid's edge extends while the confirm
    /// runs of the other optimizers fill the workers, not after them.
    ///
    /// With `admit`, a worker claims only runs it accepts (`admit(run, epochsCompleted)`): the
    /// time limit's "starts only runs whose estimated remaining time fits".
    public func execute(
        _ plans: [String: PlannedRun], replan: (@Sendable () throws -> [String: PlannedRun])? = nil,
        admit: (@Sendable (PlannedRun, Int) -> Bool)? = nil
    ) -> Summary {
        BLASThreads.set(1)
        let state = SharedPlan(plans)
        let collector = SummaryCollector()
        let group = DispatchGroup()
        for _ in 0..<jobs {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                while !cancellation.isCancelled {
                    if let error = state.refresh(replan: replan) {
                        collector.record(key: "-", .failure(error))
                        return
                    }
                    let (keys, current) = state.beginClaim()
                    let admitted = admit.map { admit in
                        { (key: String, done: Int) in current[key].map { admit($0, done) } ?? false }
                    }
                    let claimed: RunRecord?
                    do {
                        claimed = try store.claimNext(
                            keys: keys, owner: owner, isStale: { Self.isStale(owner: $0, heartbeat: $1) },
                            admit: admitted, priority: { current[$0]?.stage.decidesLaterStages == false ? 1 : 0 })
                    } catch {
                        state.endClaim(ran: false)
                        if (error as? StoreError)?.isStorageFailure == true { cancellation.cancel() }
                        collector.record(key: "-", .failure(error))
                        return
                    }
                    guard let run = claimed, let plan = current[run.key] else {
                        switch state.idle(replan: replan, cancellation: cancellation) {
                        case .grew: continue
                        case .finished: return
                        case .failed(let error):
                            collector.record(key: "-", .failure(error))
                            return
                        }
                    }
                    let start = DispatchTime.now().uptimeNanoseconds
                    var recording = 0.0
                    let outcome = execute(run, plan, recording: &recording)
                    collector.record(
                        key: run.key, outcome, recordingSeconds: recording,
                        runSeconds: Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
                    state.endClaim(ran: true)
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return collector.summary
    }

    /// Runs one claimed run; `recording` receives the seconds it spent writing to the store.
    func execute(_ run: RunRecord, _ plan: PlannedRun, recording: inout Double) -> Result<RunOutcome, Error> {
        let name = "\(plan.experiment) \(plan.label) \(RunPlan.compactJSON(plan.setting)) seed \(plan.seed)"
        progress.started(key: run.key, name: name, epochs: plan.training.epochs, resumedAt: run.epochsCompleted)
        let estimatedEpoch = Pace.estimatedEpochSeconds(plan), paceGroup = Pace.group(plan)
        var lap = DispatchTime.now().uptimeNanoseconds
        do {
            let data = try provider.data(for: plan.data, training: plan.training)
            // The pace starts once the data is ready: a process loads (and whitens) a dataset once
            // for all its runs, ~260 s for CIFAR-10, which is not this run's pace (nor in its
            // train_seconds).
            lap = DispatchTime.now().uptimeNanoseconds
            let extra = RunProvenance(
                base: provenance, datasetSHA256: plan.datasetFingerprint, splits: data.fingerprints,
                whitening: provider.whiteningFingerprint(for: plan.data, training: plan.training),
                tokenizer: plan.data.dataset == .imdb ? Tokenizer.description : nil)
            try store.setProvenance(runID: run.id, json: extra.json())
            let training = TrainingRun(run: run, plan: plan, data: data, store: store, cancellation: cancellation) {
                [progress, pace] epoch, loss in
                let now = DispatchTime.now().uptimeNanoseconds
                pace.record(measured: Double(now - lap) * 1e-9, estimated: estimatedEpoch, group: paceGroup)
                lap = now
                progress.epochFinished(key: run.key, epoch: epoch, loss: loss)
            }
            let outcome: RunOutcome
            do {
                outcome = try training.execute()
                recording = training.recordingSeconds
            } catch {
                recording = training.recordingSeconds
                throw error
            }
            let notes =
                training.notes.isEmpty ? nil : String(decoding: try JSONEncoder().encode(training.notes), as: UTF8.self)
            switch outcome {
            case .completed: try store.finish(runID: run.id, status: .completed, notesJSON: notes)
            case .diverged(let step, let last):
                try store.finish(
                    runID: run.id, status: .diverged, divergedStep: step, lastFiniteLoss: last, notesJSON: notes)
            case .interrupted: try store.release(runID: run.id)
            }
            progress.finished(key: run.key, outcome: outcome)
            return .success(outcome)
        } catch let error as StoreError where error.isStorageFailure {
            // The run resumes from its last recorded epoch once the storage works again.
            cancellation.cancel()
            try? store.release(runID: run.id)
            progress.finished(key: run.key, outcome: .interrupted)
            return .failure(error)
        } catch {
            try? store.finish(runID: run.id, status: .failed, errorText: "\(error)")
            progress.failed(key: run.key, message: "\(error)")
            return .failure(error)
        }
    }
}

/// Tallies outcomes from the worker threads.
final class SummaryCollector: Sendable {
    private let value = Mutex(RunExecutor.Summary())

    var summary: RunExecutor.Summary { value.withLock { $0 } }

    func record(key: String, _ outcome: Result<RunOutcome, Error>, recordingSeconds: Double = 0, runSeconds: Double = 0)
    {
        value.withLock { value in
            value.recordingSeconds += recordingSeconds
            value.runSeconds += runSeconds
            switch outcome {
            case .success(.completed): value.completed += 1
            case .success(.diverged): value.diverged += 1
            case .success(.interrupted): value.interrupted += 1
            case .failure(let error as StoreError) where error.isStorageFailure:
                if !value.storageFailures.contains(error.description) {
                    value.storageFailures.append(error.description)
                }
            case .failure(let error):
                value.failed += 1
                value.failures.append((key, "\(error)"))
            }
        }
    }
}

/// The plan the workers share while it grows stage by stage: the runs by key, how many workers are
/// claiming or running, and whether the plan was resolved since the last run finished. Unchecked
/// because idle workers wait on a condition variable, which `Mutex` lacks: every stored property
/// is read and written only while `condition` is locked.
final class SharedPlan: @unchecked Sendable {
    enum Idle {
        /// The plan has new runs (or another worker's run finished): claim again.
        case grew
        /// Nothing left to claim and nothing running that could add to the plan.
        case finished
        case failed(Error)
    }

    private let condition = NSCondition()
    private var plans: [String: PlannedRun]
    /// Workers between `beginClaim` and `endClaim`.
    private var busy = 0
    /// Finished runs, and the count at the last `replan`.
    private var finished = 0, resolvedAt = 0
    /// Incremented whenever the plan gains runs.
    private var generation = 0

    init(_ plans: [String: PlannedRun]) { self.plans = plans }

    /// Marks this worker busy and returns the keys to claim from.
    func beginClaim() -> (Set<String>, [String: PlannedRun]) {
        condition.lock()
        defer { condition.unlock() }
        busy += 1
        return (Set(plans.keys), plans)
    }

    func endClaim(ran: Bool) {
        condition.lock()
        defer { condition.unlock() }
        busy -= 1
        if ran { finished += 1 }
        condition.broadcast()
    }

    /// Brings the plan up to date with the runs finished so far (once per finished run, whichever
    /// worker asks first); returns `replan`'s error, if any.
    func refresh(replan: (() throws -> [String: PlannedRun])?) -> Error? {
        condition.lock()
        defer { condition.unlock() }
        guard let replan, resolvedAt != finished else { return nil }
        do {
            _ = try resolve(replan)
            return nil
        } catch {
            return error
        }
    }

    /// Asks `replan` for the plan as the runs finished so far decide it; returns whether it gained
    /// runs (and then wakes the waiting workers). Called with `condition` locked.
    private func resolve(_ replan: () throws -> [String: PlannedRun]) throws -> Bool {
        resolvedAt = finished
        let next = try replan()
        let grew = next.keys.contains { plans[$0] == nil }
        plans = next
        if grew {
            generation += 1
            condition.broadcast()
        }
        return grew
    }

    /// Called by a worker that found nothing to claim (after its `beginClaim`).
    func idle(replan: (() throws -> [String: PlannedRun])?, cancellation: Cancellation) -> Idle {
        condition.lock()
        defer { condition.unlock() }
        busy -= 1
        guard let replan else { return .finished }
        while !cancellation.isCancelled {
            if resolvedAt != finished {
                do {
                    if try resolve(replan) { return .grew }
                } catch {
                    return .failed(error)
                }
                continue
            }
            guard busy > 0 else { return .finished }
            // Another worker is claiming or running: its run may finish a stage.
            let seen = (finished, generation)
            _ = condition.wait(until: Date().addingTimeInterval(1))
            if (finished, generation) != seen { return .grew }
        }
        return .finished
    }
}

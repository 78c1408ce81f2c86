import Crypto
import Foundation
import GRDB

/// What `ResultStore.merge(from:)` did.
public struct MergeSummary: Sendable, Equatable {
    /// Finished runs copied in, failed runs copied in, and runs already present with the same curve.
    public var added = 0, failuresAdded = 0, alreadyPresent = 0
    /// Experiments whose spec was added or replaced (one stored with the same text is left as it is).
    public var experiments = 0
}

extension ResultStore {
    /// A run of a source database, with its metrics and curve hash, as the merge copies it.
    struct MergedRun {
        let record: RunRecord
        let metrics: [MetricPoint]
        let curveHash: String
        let file: String
        var isFinished: Bool { record.status == .completed || record.status == .diverged }
    }

    /// Merges the finished and failed runs of `sources` (shard databases of one campaign) into this
    /// store, all or nothing: idempotent (merging again adds nothing) and independent of the order of
    /// `sources`. A run finished in several places must have one curve hash everywhere (sources and
    /// this store); an experiment must have one spec text in all sources (which replaces this store's
    /// copy); otherwise a `StoreError` names
    /// the run (or experiment) and both files, and nothing is written. Of several copies of one run
    /// the merge keeps a finished one over a failed one, and among equals the one whose provenance
    /// sorts first, so the result does not depend on the order. Pending and running runs are not
    /// copied (their plan makes them again); checkpoints are not copied.
    public func merge(from sources: [ResultStore]) throws -> MergeSummary {
        var specs: [String: (experiment: ExperimentRecord, file: String)] = [:]
        var chosen: [String: MergedRun] = [:]
        var storedTexts: [String: String] = [:]
        for e in try experiments() {
            specs[e.name] = (e, path)
            storedTexts[e.name] = e.specText
        }
        let existing = Dictionary(try runs().map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var existingHashes: [String: String] = [:]
        for source in sources {
            for experiment in try source.experiments() {
                let name = experiment.name
                // The sources must agree; the store's own (older) copy gives way to theirs.
                if let known = specs[name], known.file != path, known.experiment.specText != experiment.specText {
                    throw StoreError(
                        "experiment \(name): its spec text differs between \(known.file) and \(source.path); "
                            + "expected one spec per experiment in a campaign (re-run the shard with the same spec)")
                }
                if specs[name].map({ $0.file == path }) ?? true { specs[name] = (experiment, source.path) }
            }
            for record in try source.runs() where [.completed, .diverged, .failed].contains(record.status) {
                let run = MergedRun(
                    record: record, metrics: try source.metrics(runID: record.id),
                    curveHash: try source.curveHash(runID: record.id), file: source.path)
                if run.isFinished, let mine = existing[record.key],
                    mine.status == .completed || mine.status == .diverged
                {
                    let hash = try existingHashes[record.key] ?? curveHash(runID: mine.id)
                    existingHashes[record.key] = hash
                    guard hash == run.curveHash else { throw conflict(run, otherFile: path) }
                }
                if let other = chosen[record.key] {
                    if other.isFinished && run.isFinished && other.curveHash != run.curveHash {
                        throw conflict(run, otherFile: other.file)
                    }
                    if Self.rank(run) < Self.rank(other) { chosen[record.key] = run }
                } else {
                    chosen[record.key] = run
                }
            }
        }
        var summary = MergeSummary()
        try write { db in
            for (name, spec) in specs.sorted(by: { $0.key < $1.key })
            where storedTexts[name] != spec.experiment.specText {
                let e = spec.experiment
                try Self.registerExperiment(
                    ExperimentRecord(name: name, title: e.title, specPath: e.specPath, specText: e.specText), db: db)
                summary.experiments += 1
            }
            for key in chosen.keys.sorted() {
                let run = chosen[key]!
                if let mine = existing[key] {
                    if mine.status == .completed || mine.status == .diverged {
                        summary.alreadyPresent += 1
                        continue
                    }
                    if !run.isFinished && mine.status == .failed { continue }
                }
                try Self.copy(run, db: db)
                if run.isFinished { summary.added += 1 } else { summary.failuresAdded += 1 }
            }
        }
        return summary
    }

    /// Order among copies of one run: finished before failed, then by provenance text, then by file.
    static func rank(_ run: MergedRun) -> (Int, String, String) {
        (run.isFinished ? 0 : 1, run.record.provenanceJSON ?? "", run.file)
    }

    func conflict(_ run: MergedRun, otherFile: String) -> StoreError {
        StoreError(
            "run \(run.record.key.prefix(16)) (\(run.record.experiment) \(run.record.label) \(run.record.settingJSON) "
                + "seed \(run.record.seed)): its curve differs between \(otherFile) and \(run.file); expected "
                + "identical curves for one run key (same spec, seed and numerics); nothing was merged")
    }

    /// Writes `run` (its row, status, progress, provenance, notes and metrics) over any unfinished
    /// copy of it in this store.
    static func copy(_ run: MergedRun, db: Database) throws {
        let r = run.record
        guard let experimentID = try experimentID(named: r.experiment, db: db) else {
            throw StoreError("experiment \(r.experiment) is not registered")
        }
        try RunRecord.filter(RunRecord.Columns.key == r.key).deleteAll(db)
        let row = RunInsertion(planned: r.planned, experimentID: experimentID, state: r.state, finishedAt: timestamp())
        try row.insert(db)
        try insert(run.metrics, runID: db.lastInsertedRowID, db: db)
    }
}

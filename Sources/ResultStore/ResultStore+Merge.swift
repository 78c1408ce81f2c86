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
        var specs: [String: (title: String, specPath: String, text: String, file: String)] = [:]
        var chosen: [String: MergedRun] = [:]
        var storedTexts: [String: String] = [:]
        for e in try experimentRows() {
            specs[e.name] = (e.title, e.specPath, e.text, path)
            storedTexts[e.name] = e.text
        }
        let existing = Dictionary(try runs().map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var existingHashes: [String: String] = [:]
        for source in sources {
            for (name, title, specPath, text) in try source.experimentRows() {
                // The sources must agree; the store's own (older) copy gives way to theirs.
                if let known = specs[name], known.file != path, known.text != text {
                    throw StoreError(
                        "experiment \(name): its spec text differs between \(known.file) and \(source.path); "
                            + "expected one spec per experiment in a campaign (re-run the shard with the same spec)")
                }
                if specs[name].map({ $0.file == path }) ?? true { specs[name] = (title, specPath, text, source.path) }
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
            for (name, spec) in specs.sorted(by: { $0.key < $1.key }) where storedTexts[name] != spec.text {
                try Self.registerExperiment(
                    db, name: name, title: spec.title, specPath: spec.specPath, specText: spec.text)
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

    func experimentRows() throws -> [(name: String, title: String, specPath: String, text: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, title, spec_path, spec_text FROM experiments ORDER BY name").map {
                ($0["name"], $0["title"], $0["spec_path"], $0["spec_text"])
            }
        }
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

    static func registerExperiment(
        _ db: Database, name: String, title: String, specPath: String, specText: String
    )
        throws
    {
        let sha = SHA256.hash(data: Data(specText.utf8)).map { String(format: "%02x", $0) }.joined()
        try db.execute(
            sql: """
                INSERT INTO experiments (name, title, spec_path, spec_text, spec_sha256, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET title = excluded.title, spec_path = excluded.spec_path,
                    spec_text = excluded.spec_text, spec_sha256 = excluded.spec_sha256, updated_at = excluded.updated_at
                """, arguments: [name, title, specPath, specText, sha, timestamp()])
    }

    /// Writes `run` (its row, status, progress, provenance, notes and metrics) over any unfinished
    /// copy of it in this store.
    static func copy(_ run: MergedRun, db: Database) throws {
        let r = run.record
        guard
            let experimentID = try Int64.fetchOne(
                db, sql: "SELECT id FROM experiments WHERE name = ?", arguments: [r.experiment])
        else { throw StoreError("experiment \(r.experiment) is not registered") }
        try db.execute(sql: "DELETE FROM runs WHERE run_key = ?", arguments: [r.key])
        try db.execute(
            sql: """
                INSERT INTO runs (run_key, experiment_id, scale, label, optimizer, setting_json, conventions_json, model_json,
                    data_json, training_json, dataset, dataset_sha256, seed, epochs_planned, estimated_flops, status,
                    epochs_completed, steps_completed, diverged_step, last_finite_loss, error_text, finished_at,
                    train_seconds, provenance_json, notes_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                r.key, experimentID, r.scale, r.label, r.optimizer, r.settingJSON, r.conventionsJSON, r.modelJSON,
                r.dataJSON, r.trainingJSON, r.dataset, r.datasetSHA256, Int64(bitPattern: r.seed), r.epochsPlanned,
                r.estimatedFLOPs, r.status.rawValue, r.epochsCompleted, r.stepsCompleted, r.divergedStep,
                r.lastFiniteLoss, r.errorText, timestamp(), r.trainSeconds, r.provenanceJSON, r.notesJSON,
            ])
        try insert(run.metrics, runID: db.lastInsertedRowID, db: db)
    }
}

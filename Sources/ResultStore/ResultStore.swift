import Crypto
import Foundation
import GRDB
import Vocabulary

/// The SQLite results database (GRDB on the system libsqlite3, WAL): experiments, runs, metrics and
/// checkpoints. Safe to share between threads and between processes: writes are serialized by SQLite
/// (with a generous busy timeout), run claims are atomic, and readers never block writers.
public final class ResultStore: Sendable {
    public let path: String
    let pool: DatabasePool
    /// Seconds a connection waits for another process's lock (`StoreError.busyTimeout`).
    let busyTimeout: Double

    /// Opens (creating if needed) the database at `path`. Refuses a file that is not SQLite, a
    /// SQLite database that is not ours, and one written by a newer AdamBench (unknown migrations).
    ///
    /// `readOnly` opens an existing database for reading only: nothing is created, migrated or
    /// checkpointed, so the file's bytes stay as they are (inputs of `compare`, `merge`, `plan`).
    /// A database this user may not write (its file or its folder: a shared or archived copy) is
    /// read as immutable when it has no write-ahead log to replay: SQLite then needs no `-shm` file
    /// beside it, which such a folder could not take.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        let busyTimeout = try StoreError.busyTimeout()
        self.busyTimeout = busyTimeout
        if readOnly {
            guard FileManager.default.fileExists(atPath: path) else { throw StoreError("\(path): no such database") }
            try Self.refuseNonSQLite(path)
            var configuration = Self.readOnly
            configuration.busyMode = .timeout(busyTimeout)
            let immutable = !Self.isWritable(path) && !Self.hasWriteAheadLog(path)
            do {
                pool = try DatabasePool(path: immutable ? Self.immutableURI(path) : path, configuration: configuration)
                try pool.read { db in try Self.refuseForeignOrNewer(db, path: path, migrator: StoreSchema.migrator) }
            } catch let error as StoreError {
                throw error
            } catch {
                if !Self.isWritable(path) && Self.hasWriteAheadLog(path) {
                    throw StoreError(
                        "\(path): cannot read the database (\(error)); it has an unfinished write-ahead log "
                            + "(\(path)-wal) that this user cannot replay without write access to its folder; "
                            + "expected a checkpointed database (any adam-bench run or report by its owner "
                            + "checkpoints it), or a writable folder", reason: .notWritable)
                }
                throw StoreError("\(path): cannot read the database (\(error)); expected an AdamBench results database")
            }
            return
        }
        if FileManager.default.fileExists(atPath: path), access(path, W_OK) != 0 {
            throw StoreError(
                "\(path): this user (uid \(getuid())) may not write the database (\(String(cString: strerror(errno)))); "
                    + "expected a writable file (plan, runs, report and compare only read it and accept it as it is)",
                reason: .notWritable)
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw StoreError("\(path): the folder \(folder.path) does not exist; expected an existing, writable folder")
        }
        guard access(folder.path, W_OK) == 0 else {
            throw StoreError(
                "\(path): this user (uid \(getuid())) may not write the folder \(folder.path); expected a writable "
                    + "folder (SQLite keeps the -wal and -shm files, AdamBench the .lock, beside the database)",
                reason: .notWritable)
        }
        let exists = FileManager.default.fileExists(atPath: path)
        if exists { try Self.refuseNonSQLite(path) }
        // A foreign or newer database is refused before anything writes to it: opening the pool
        // below would already switch its journal to WAL.
        // (With a busy timeout: another process may be creating the schema this very moment.)
        var checking = Self.readOnly
        checking.busyMode = .timeout(busyTimeout)
        let lockPath = path + ".lock"
        if exists, let queue = try? DatabaseQueue(path: path, configuration: checking) {
            let check = {
                try queue.read { db in try Self.refuseForeignOrNewer(db, path: path, migrator: StoreSchema.migrator) }
            }
            do { try check() } catch let error as StoreError {
                // Another AdamBench process may be creating the schema this moment (holding the
                // lock file below): look again once it is done.
                guard Self.waitForSchemaCreation(lockPath: lockPath) else { throw error }
                try check()
            }
        }
        // Opening checks and migrates the schema; another process doing the same at the same moment
        // would see a half-created database, so the whole opening holds an exclusive lock on a
        // companion file (`PATH.lock`), released as soon as the schema is in place.
        let lockDescriptor = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lockDescriptor >= 0 else {
            throw StoreError(
                "\(path): cannot create the lock file \(lockPath) (\(String(cString: strerror(errno)))); expected a writable folder"
            )
        }
        defer { close(lockDescriptor) }
        guard flock(lockDescriptor, LOCK_EX) == 0 else {
            throw StoreError(
                "\(path): cannot lock \(lockPath) (\(String(cString: strerror(errno)))); expected a file system with flock"
            )
        }
        defer { flock(lockDescriptor, LOCK_UN) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // WAL with synchronous=NORMAL: no fsync per commit, still crash-safe for the process
            // (a kill -9 loses nothing committed); an OS crash may lose the last epochs, never corrupt.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError.mapping(error, path: path, busyTimeout: busyTimeout) as? StoreError
                ?? StoreError("\(path): cannot open the database (\(error)); expected a writable SQLite file")
        }
        let migrator = StoreSchema.migrator
        try write { db in try Self.refuseForeignOrNewer(db, path: path, migrator: migrator) }
        // A new database reclaims the space of deleted checkpoints (tens of MB for a CNN run) as
        // runs finish; auto_vacuum must be chosen before the first table exists.
        try writeWithoutTransaction { db in
            if try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'").isEmpty {
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                try db.execute(sql: "VACUUM")  // applies it to the (empty) file
            }
        }
        do { try migrator.migrate(pool) } catch {
            throw StoreError.mapping(error, path: path, busyTimeout: busyTimeout) as? StoreError
                ?? StoreError("\(path): cannot create the schema (\(error))")
        }
    }

    /// Waits until no process holds the lock file at `lockPath` exclusively (one creating the
    /// database's schema). False when there is no lock file: no AdamBench process ever opened the
    /// database for writing. Creates nothing.
    static func waitForSchemaCreation(lockPath: String) -> Bool {
        let descriptor = open(lockPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH) == 0 else { return false }
        flock(descriptor, LOCK_UN)
        return true
    }

    /// Whether this user may write the database at `path` and the folder that holds it (where
    /// SQLite keeps the `-wal` and `-shm` files and AdamBench the `.lock`).
    public static func isWritable(_ path: String) -> Bool {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return access(path, W_OK) == 0 && access(folder, W_OK) == 0
    }

    /// Whether `path-wal` exists and holds frames not yet checkpointed into the file.
    static func hasWriteAheadLog(_ path: String) -> Bool {
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int ?? 0
        return size > 0
    }

    /// An SQLite URI for `path` with `immutable=1`: read without locks or `-shm`, trusting that no
    /// one changes the file meanwhile.
    static func immutableURI(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    /// Throws unless the file at `path` is empty or starts with SQLite's header.
    static func refuseNonSQLite(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError("\(path): cannot read the file; expected a readable AdamBench results database")
        }
        let header = handle.readData(ofLength: 16)
        try? handle.close()
        if !header.isEmpty && header != Data("SQLite format 3\u{0}".utf8) {
            throw StoreError("\(path): not a SQLite database; expected an AdamBench results database (or a new path)")
        }
    }

    static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }

    /// Throws when `db` holds tables but is not an AdamBench results database, or holds schema
    /// migrations this version does not know (written by a newer AdamBench).
    static func refuseForeignOrNewer(_ db: Database, path: String, migrator: DatabaseMigrator) throws {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        if applicationID != StoreSchema.applicationID && !tables.isEmpty {
            throw StoreError(
                "\(path): this SQLite database is not an AdamBench results database (application_id \(applicationID), "
                    + "tables \(tables.prefix(5).joined(separator: ", "))); refusing to modify it")
        }
        if try migrator.hasBeenSuperseded(db) {
            let unknown = try migrator.appliedIdentifiers(db).subtracting(Set(migrator.migrations)).sorted()
            throw StoreError(
                "\(path): written by a newer AdamBench (schema migrations \(unknown.joined(separator: ", ")) "
                    + "are unknown to this version); upgrade adam-bench to read it")
        }
        try refuseAlteredTables(db, path: path, migrator: migrator)
    }

    /// Throws when a table of `db` lacks a column, or has one, that the schema migrations it records
    /// do not give it: a damaged file, or one altered outside AdamBench. (Reading such a file would
    /// otherwise stop at the first missing column.) The expected shape is that of an in-memory
    /// database migrated up to the same migration (`columnsAfterMigration`, built once).
    static func refuseAlteredTables(_ db: Database, path: String, migrator: DatabaseMigrator) throws {
        let applied = try migrator.appliedIdentifiers(db)
        guard let last = migrator.migrations.last(where: applied.contains) else { return }
        let expected: [String: [String]]
        if migrator.migrations == StoreSchema.migrator.migrations, let known = columnsAfterMigration[last] {
            expected = known
        } else {
            let reference = try DatabaseQueue()
            try migrator.migrate(reference, upTo: last)
            expected = try reference.read { try columns(of: $0) }
        }
        let actual = try columns(of: db)
        for (table, names) in expected.sorted(by: { $0.key < $1.key }) where actual[table] != names {
            let found = actual[table].map { "columns \($0.joined(separator: ", "))" } ?? "no such table"
            throw StoreError(
                "\(path): table \(table) has \(found); expected columns \(names.joined(separator: ", ")) (schema "
                    + "\(last)); the database is damaged or was altered outside AdamBench")
        }
    }

    /// The tables' columns after each of `StoreSchema`'s migrations (an in-memory database migrated
    /// step by step, once per process: stores are opened often, by merges and tests especially).
    static let columnsAfterMigration: [String: [String: [String]]] = {
        var result: [String: [String: [String]]] = [:]
        guard let reference = try? DatabaseQueue() else { return result }
        for id in StoreSchema.migrator.migrations {
            guard (try? StoreSchema.migrator.migrate(reference, upTo: id)) != nil,
                let columns = try? reference.read({ try columns(of: $0) })
            else { return result }
            result[id] = columns
        }
        return result
    }()

    /// Column names by table (SQLite's own tables left out).
    static func columns(of db: Database) throws -> [String: [String]] {
        let tables = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        var result: [String: [String]] = [:]
        for table in tables { result[table] = try db.columns(in: table).map(\.name) }
        return result
    }

    /// Moves everything the write-ahead log holds into the database file and empties the log, so
    /// that the `.sqlite` file alone holds every run (a user or a cluster job may copy or compress it
    /// without its `-wal`). Call when a command's writing is done. While another process still works
    /// on the database the checkpoint cannot complete (SQLITE_BUSY after the busy timeout would
    /// stall this one): then it is left to that process, whose own end checkpoints.
    ///
    /// A store opened read-only checkpoints too (through a connection of its own) when this user may
    /// write the file: checkpointing moves what is committed, it adds nothing.
    public func checkpointIfLastWriter() {
        guard Self.isWritable(path) else { return }
        var configuration = Configuration()
        configuration.busyMode = .immediateError
        // A connection of its own without a busy timeout: a busy database is not waited for.
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return }
        _ = try? queue.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    // MARK: access

    /// `pool.write`, SQLite's storage failures reported as `StoreError`s naming this file.
    func write<T>(_ updates: (Database) throws -> T) throws -> T {
        do { return try pool.write(updates) } catch {
            throw StoreError.mapping(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// `pool.writeWithoutTransaction`, storage failures mapped as by `write`.
    func writeWithoutTransaction<T>(_ updates: (Database) throws -> T) throws -> T {
        do { return try pool.writeWithoutTransaction(updates) } catch {
            throw StoreError.mapping(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// `pool.read`, storage failures mapped as by `write`.
    func read<T>(_ value: (Database) throws -> T) throws -> T {
        do { return try pool.read(value) } catch {
            throw StoreError.mapping(error, path: path, busyTimeout: busyTimeout)
        }
    }

    // MARK: experiments and runs

    /// Records (or updates) an experiment's spec; returns its id.
    @discardableResult
    public func registerExperiment(name: String, title: String, specPath: String, specText: String) throws -> Int64 {
        try write { db in
            try Self.registerExperiment(
                ExperimentRecord(name: name, title: title, specPath: specPath, specText: specText), db: db)
        }
    }

    /// Stores `experiment`, replacing the one of its name; returns its id.
    @discardableResult
    static func registerExperiment(_ experiment: ExperimentRecord, db: Database) throws -> Int64 {
        try experiment.upsert(db)
        guard let id = try experimentID(named: experiment.name, db: db) else {
            throw StoreError("experiment \(experiment.name): not found after registering it")
        }
        return id
    }

    /// The id of the experiment called `name`, nil when none is registered.
    static func experimentID(named name: String, db: Database) throws -> Int64? {
        try ExperimentRecord.filter(ExperimentRecord.Columns.name == name)
            .select(ExperimentRecord.Columns.id, as: Int64.self).fetchOne(db)
    }

    /// Adds the runs not yet known (by key); existing runs keep their status and results.
    public func ensureRuns(_ runs: [NewRun]) throws {
        try write { db in
            var experimentIDs: [String: Int64] = [:]
            var known = Set(try String.fetchAll(db, RunRecord.select(RunRecord.Columns.key)))
            for run in runs where !known.contains(run.key) {
                guard
                    let experimentID = try experimentIDs[run.experiment]
                        ?? Self.experimentID(named: run.experiment, db: db)
                else { throw StoreError("\(path): experiment \(run.experiment) is not registered") }
                experimentIDs[run.experiment] = experimentID
                try RunInsertion(planned: run, experimentID: experimentID).insert(db)
                known.insert(run.key)
            }
        }
    }

    /// Puts runs back to pending and deletes their metrics and checkpoints (`--force`).
    public func reset(keys: [String]) throws {
        try write { db in
            let runs = RunRecord.filter(keys.contains(RunRecord.Columns.key))
            let ids = try Int64.fetchAll(db, runs.select(RunRecord.Columns.id))
            try StoredMetric.filter(ids.contains(StoredMetric.Columns.runID)).deleteAll(db)
            try StoredCheckpoint.filter(ids.contains(StoredCheckpoint.Columns.runID)).deleteAll(db)
            let state = RunState.CodingKeys.self
            try runs.updateAll(
                db,
                [
                    state.status.set(to: RunState.Status.pending), state.epochsCompleted.set(to: 0),
                    state.stepsCompleted.set(to: 0), state.divergedStep.set(to: nil),
                    state.lastFiniteLoss.set(to: nil), state.errorText.set(to: nil), state.owner.set(to: nil),
                    RunRecord.Columns.heartbeatAt.set(to: nil), RunRecord.Columns.startedAt.set(to: nil),
                    RunRecord.Columns.finishedAt.set(to: nil), state.trainSeconds.set(to: 0),
                    state.notesJSON.set(to: nil),
                ])
        }
    }

    /// Puts failed runs among `keys` back to pending (their error text stays until they end again),
    /// so that an invocation retries each failed run once.
    public func retryFailed(keys: [String]) throws {
        try write { db in
            try RunRecord
                .filter(keys.contains(RunRecord.Columns.key) && RunRecord.Columns.status == RunState.Status.failed)
                .updateAll(db, RunRecord.Columns.status.set(to: RunState.Status.pending))
        }
    }

    /// The columns `claimNext` weighs a run by.
    struct ClaimCandidate: Decodable, FetchableRecord {
        let id: Int64
        let key: String
        let status: RunState.Status
        let owner: String?
        let heartbeatAt: Double?
        let epochsCompleted: Int

        enum CodingKeys: String, CodingKey, ColumnExpression, CaseIterable {
            case id
            case key = "run_key"
            case status, owner
            case heartbeatAt = "heartbeat_at"
            case epochsCompleted = "epochs_completed"
        }

        /// The columns selected: exactly those decoded.
        static var columns: [any SQLSelectable] { CodingKeys.allCases }
    }

    /// Atomically claims the first runnable run among `keys` in the order below: pending, or running
    /// under an owner that `isStale` says is gone (a killed process). Returns nil when none is left.
    /// `admit(key, epochsCompleted)`, when given, must accept a run for it to be claimed (e.g. a run
    /// whose estimated remaining time fits before a deadline). `priority(key)` comes first: the
    /// lowest priority is claimed first, then the most expensive, then the earliest registered.
    public func claimNext(
        keys: Set<String>, owner: String, isStale: @Sendable (String?, Double?) -> Bool,
        admit: ((String, Int) -> Bool)? = nil, priority: (String) -> Int = { _ in 0 }
    ) throws -> RunRecord? {
        try writeWithoutTransaction { db in
            var claimed: RunRecord?
            try db.inTransaction(.immediate) {
                let runnable: [RunState.Status] = [.pending, .running]
                let candidates = try ClaimCandidate.fetchAll(
                    db,
                    RunRecord.select(ClaimCandidate.columns)
                        .filter(runnable.contains(RunRecord.Columns.status))
                        .order(RunRecord.Columns.estimatedFLOPs.desc, RunRecord.Columns.id)
                        .asRequest(of: ClaimCandidate.self)
                )
                .filter { keys.contains($0.key) }
                // Grouping keeps each priority's candidates in the query's order (cost, then id).
                let byPriority = Dictionary(grouping: candidates) { priority($0.key) }
                for candidate in byPriority.keys.sorted().flatMap({ byPriority[$0]! }) {
                    if let admit, !admit(candidate.key, candidate.epochsCompleted) { continue }
                    if candidate.status == .running && !isStale(candidate.owner, candidate.heartbeatAt) { continue }
                    try RunRecord.filter(RunRecord.Columns.id == candidate.id).updateAll(
                        db,
                        [
                            RunRecord.Columns.status.set(to: RunState.Status.running),
                            RunRecord.Columns.owner.set(to: owner),
                            RunRecord.Columns.heartbeatAt.set(to: Date().timeIntervalSince1970),
                            RunRecord.Columns.startedAt.set(to: RunRecord.Columns.startedAt ?? Self.timestamp()),
                        ])
                    claimed = try RunRecord.request().filter(RunRecord.Columns.id == candidate.id).fetchOne(db)
                    break
                }
                return .commit
            }
            return claimed
        }
    }

    /// Records an epoch's metrics, progress and checkpoint in one transaction: after a crash, the
    /// database holds either all of the epoch or none of it.
    public func recordEpoch(
        runID: Int64, metrics: [MetricPoint], epochsCompleted: Int, stepsCompleted: Int,
        trainSeconds: Double, checkpoint: Checkpoint?
    ) throws {
        try write { db in
            try Self.insert(metrics, runID: runID, db: db)
            let state = RunState.CodingKeys.self
            try RunRecord.filter(RunRecord.Columns.id == runID).updateAll(
                db,
                [
                    state.epochsCompleted.set(to: epochsCompleted), state.stepsCompleted.set(to: stepsCompleted),
                    state.trainSeconds.set(to: trainSeconds),
                    RunRecord.Columns.heartbeatAt.set(to: Date().timeIntervalSince1970),
                ])
            if let checkpoint { try StoredCheckpoint(checkpoint, runID: runID).upsert(db) }
        }
    }

    /// Writes `metrics` of the run `runID`, replacing points of the same name and step.
    static func insert(_ metrics: [MetricPoint], runID: Int64, db: Database) throws {
        try StoredMetric.insert(metrics, runID: runID, db: db)
    }

    /// Inserts metrics in one transaction (benchmarks; the runner uses `recordEpoch`).
    public func insertMetrics(_ metrics: [MetricPoint], runID: Int64) throws {
        try write { db in try Self.insert(metrics, runID: runID, db: db) }
    }

    /// Ends a run: completed, diverged (with the step and last finite loss) or failed (with the error).
    public func finish(
        runID: Int64, status: RunRecord.Status, divergedStep: Int? = nil, lastFiniteLoss: Double? = nil,
        errorText: String? = nil, provenanceJSON: String? = nil, notesJSON: String? = nil
    ) throws {
        try write { db in
            let state = RunState.CodingKeys.self
            var assignments = [
                state.status.set(to: status), state.divergedStep.set(to: divergedStep),
                state.lastFiniteLoss.set(to: lastFiniteLoss), state.errorText.set(to: errorText),
                RunRecord.Columns.finishedAt.set(to: Self.timestamp()), state.owner.set(to: nil),
            ]
            // Provenance and notes given here replace what was stored; absent, it stays.
            if let provenanceJSON { assignments.append(state.provenanceJSON.set(to: provenanceJSON)) }
            if let notesJSON { assignments.append(state.notesJSON.set(to: notesJSON)) }
            try RunRecord.filter(RunRecord.Columns.id == runID).updateAll(db, assignments)
            if status != .failed {
                try StoredCheckpoint.filter(StoredCheckpoint.Columns.runID == runID).deleteAll(db)
            }
        }
        try writeWithoutTransaction { db in try db.execute(sql: "PRAGMA incremental_vacuum") }
    }

    /// Gives every claimed run back (a shard database, which only one task at a time works on: a claim
    /// left by a task killed on another node would otherwise wait an hour to look stale).
    public func releaseAllClaims() throws {
        try write { db in
            try RunRecord.filter(RunRecord.Columns.status == RunState.Status.running).updateAll(
                db, RunRecord.Columns.status.set(to: RunState.Status.pending), RunRecord.Columns.owner.set(to: nil))
        }
    }

    /// Gives a claimed run back (interrupted): it stays resumable from its checkpoint.
    public func release(runID: Int64) throws {
        try write { db in
            try RunRecord
                .filter(RunRecord.Columns.id == runID && RunRecord.Columns.status == RunState.Status.running)
                .updateAll(
                    db, RunRecord.Columns.status.set(to: RunState.Status.pending),
                    RunRecord.Columns.owner.set(to: nil))
        }
    }

    public func setProvenance(runID: Int64, json: String) throws {
        try write { db in
            try RunRecord.filter(RunRecord.Columns.id == runID).updateAll(
                db, RunState.CodingKeys.provenanceJSON.set(to: json))
        }
    }

    public func heartbeat(runID: Int64) throws {
        try write { db in
            try RunRecord.filter(RunRecord.Columns.id == runID).updateAll(
                db, RunRecord.Columns.heartbeatAt.set(to: Date().timeIntervalSince1970))
        }
    }

    // MARK: reading

    public func checkpoint(runID: Int64) throws -> Checkpoint? {
        try read { db in
            try StoredCheckpoint.filter(StoredCheckpoint.Columns.runID == runID).fetchOne(db)?.checkpoint
        }
    }

    /// The runs (of `experiment`, if given), by id.
    public func runs(experiment: String? = nil) throws -> [RunRecord] {
        try read { db in
            guard let experiment else { return try RunRecord.request().fetchAll(db) }
            guard let experimentID = try Self.experimentID(named: experiment, db: db) else { return [] }
            return try RunRecord.request().filter(RunRecord.Columns.experimentID == experimentID).fetchAll(db)
        }
    }

    /// The runs recorded under `keys`, in the order of `keys` (keys not recorded left out).
    public func runs(keys: [String]) throws -> [RunRecord] {
        let found = try read { db in
            try RunRecord.request().filter(keys.contains(RunRecord.Columns.key)).fetchAll(db)
        }
        let byKey = Dictionary(found.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        return keys.compactMap { byKey[$0] }
    }

    /// Whether the database holds no run at all.
    public func holdsNoRuns() throws -> Bool {
        try read { db in try RunRecord.fetchCount(db) } == 0
    }

    /// The experiments, by name.
    public func experiments() throws -> [ExperimentRecord] {
        try read { db in try ExperimentRecord.order(ExperimentRecord.Columns.name).fetchAll(db) }
    }

    /// A run's metrics in canonical order: by name, then step.
    public func metrics(runID: Int64, metric: MetricName? = nil) throws -> [MetricPoint] {
        try read { db in
            var request = StoredMetric.filter(StoredMetric.Columns.runID == runID)
            if let metric { request = request.filter(StoredMetric.Columns.name == metric.rawValue) }
            return try request.order(StoredMetric.Columns.name, StoredMetric.Columns.step).fetchAll(db).map(\.point)
        }
    }

    /// SHA-256 over the run's metrics in canonical order (name, then step): for each point, the
    /// name's UTF-8 bytes and a 0 byte, the step as a little-endian Int64, and the value's IEEE-754
    /// bit pattern as a little-endian UInt64 (any NaN as the canonical quiet NaN 0x7FF8000000000000).
    /// Wall-clock times and machine-dependent metrics (`MetricName.isMachineDependent`) are not part of it.
    public func curveHash(runID: Int64) throws -> String {
        var hasher = SHA256()
        for m in try metrics(runID: runID) where m.metric?.isMachineDependent != true {
            hasher.update(data: Array(m.name.utf8) + [0])
            withUnsafeBytes(of: Int64(m.step).littleEndian) { hasher.update(bufferPointer: $0) }
            let bits: UInt64 = m.value.isNaN ? 0x7FF8_0000_0000_0000 : m.value.bitPattern
            withUnsafeBytes(of: bits.littleEndian) { hasher.update(bufferPointer: $0) }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func timestamp() -> String { ISO8601DateFormatter().string(from: Date()) }
}

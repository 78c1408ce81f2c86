import Foundation
import ResultStore
import TestSupport
import Testing

@Suite struct ResultStoreTests {
    func temporaryPath() throws -> String {
        let dir = TestFolder.path("store")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("results.sqlite").path
    }

    func newRun(_ key: String, cost: Double = 1) -> NewRun {
        NewRun(
            key: key, experiment: "e", scale: "smoke", label: "Adam", optimizer: "adam", settingJSON: "{}",
            conventionsJSON: "{}",
            modelJSON: "{}", dataJSON: "{}", trainingJSON: "{}", dataset: "mnist", datasetSHA256: "f", seed: 1,
            epochsPlanned: 2, estimatedFLOPs: cost)
    }

    @Test func nonFiniteValuesRoundTripExplicitly() throws {
        let store = try ResultStore(path: try temporaryPath())
        try store.registerExperiment(name: "e", title: "t", specPath: "e.yaml", specText: "name: e")
        try store.ensureRuns([newRun("k1")])
        let run = try #require(try store.runs().first)
        let values: [Double] = [1.5, .nan, .infinity, -.infinity, -0.0, 1e-320]
        try store.insertMetrics(
            values.enumerated().map {
                MetricPoint(name: "m", step: $0.offset, epoch: 0, value: $0.element, wallSeconds: 0)
            }, runID: run.id)
        let back = try store.metrics(runID: run.id).map(\.value)
        #expect(back.count == values.count)
        #expect(back[0] == 1.5 && back[1].isNaN && back[2] == .infinity && back[3] == -.infinity)
        #expect(back[4].bitPattern == (-0.0).bitPattern && back[5] == 1e-320)
        // Re-recording the same points replaces them: never duplicated.
        try store.insertMetrics([MetricPoint(name: "m", step: 0, epoch: 0, value: 1.5, wallSeconds: 9)], runID: run.id)
        #expect(try store.metrics(runID: run.id).count == values.count)
    }

    /// A status outside `RunState.Status` (written past the table's CHECK) is an error naming the
    /// file and the value when read, never taken for a failed run.
    @Test func anUnknownStoredStatusIsAnError() throws {
        let path = try temporaryPath()
        let store = try ResultStore(path: path)
        try store.registerExperiment(name: "e", title: "t", specPath: "e.yaml", specText: "name: e")
        try store.ensureRuns([newRun("k1")])
        try SQLiteFile.execute("PRAGMA ignore_check_constraints = ON; UPDATE runs SET status = 'paused'", at: path)
        do {
            _ = try store.runs()
            Issue.record("read a run whose status is 'paused'")
        } catch let error as StoreError {
            #expect(error.reason == .damaged)
            #expect(error.description.contains(path) && error.description.contains("paused"), "\(error)")
        }
    }

    /// Every column a run's record reads comes back as written, through reset and finish.
    @Test func aRunsRecordRoundTripsThroughResetAndFinish() throws {
        let store = try ResultStore(path: try temporaryPath())
        try store.registerExperiment(name: "e", title: "t", specPath: "e.yaml", specText: "name: e")
        let planned = NewRun(
            key: "k", experiment: "e", scale: "paper", label: "Adam", optimizer: "adam", settingJSON: #"{"lr":1}"#,
            conventionsJSON: "{\"c\":1}", modelJSON: "{\"m\":1}", dataJSON: "{\"d\":1}", trainingJSON: "{\"t\":1}",
            dataset: "mnist", datasetSHA256: "abc", seed: 7, epochsPlanned: 3, estimatedFLOPs: 2.5e9)
        try store.ensureRuns([planned, planned])
        let claimed = try #require(try store.claimNext(keys: ["k"], owner: "me", isStale: { _, _ in false }))
        #expect(claimed.planned == planned && claimed.status == .running && claimed.owner == "me")
        let checkpoint = Checkpoint(
            epoch: 1, step: 10, parameters: [1, 2, 3], optimizerState: [4], rngState: "{}", trainSeconds: 1.5)
        try store.recordEpoch(
            runID: claimed.id, metrics: [MetricPoint(name: "m", step: 10, epoch: 1, value: 0.5, wallSeconds: 1)],
            epochsCompleted: 1, stepsCompleted: 10, trainSeconds: 1.5, checkpoint: checkpoint)
        #expect(try store.checkpoint(runID: claimed.id) == checkpoint)
        try store.finish(
            runID: claimed.id, status: .diverged, divergedStep: 12, lastFiniteLoss: 0.25,
            provenanceJSON: "{\"p\":1}", notesJSON: #"["n"]"#)
        let finished = try #require(try store.runs(keys: ["missing", "k"]).first)
        #expect(finished.planned == planned)
        let expected = RunState(
            status: .diverged, epochsCompleted: 1, stepsCompleted: 10, divergedStep: 12, lastFiniteLoss: 0.25,
            errorText: nil, owner: nil, trainSeconds: 1.5, provenanceJSON: "{\"p\":1}", notesJSON: #"["n"]"#)
        #expect(finished.state == expected && finished.notes == ["n"])
        #expect(try store.checkpoint(runID: claimed.id) == nil, "a finished run keeps no checkpoint")
        try store.reset(keys: ["k"])
        let reset = try #require(try store.runs(experiment: "e").first)
        #expect(reset.status == .pending && reset.epochsCompleted == 0 && reset.notesJSON == nil)
        #expect(reset.provenanceJSON == "{\"p\":1}" && reset.planned == planned)
        #expect(try store.metrics(runID: reset.id).isEmpty)
        #expect(try store.runs(experiment: "other").isEmpty)
    }

    @Test func aPriorityComesBeforeTheCost() throws {
        let store = try ResultStore(path: try temporaryPath())
        try store.registerExperiment(name: "e", title: "t", specPath: "e.yaml", specText: "name: e")
        try store.ensureRuns([
            newRun("confirm", cost: 10), newRun("grid", cost: 1), newRun("grid2", cost: 1),
            newRun("extension", cost: 2),
        ])
        let keys: Set = ["confirm", "grid", "grid2", "extension"]
        let priority = { (key: String) in key == "confirm" ? 1 : 0 }
        var order: [String] = []
        while let run = try store.claimNext(keys: keys, owner: "a", isStale: { _, _ in false }, priority: priority) {
            order.append(run.key)
        }
        // Within a priority the most expensive first; at equal cost the earlier registered.
        #expect(order == ["extension", "grid", "grid2", "confirm"])
    }

    @Test func claimsTheMostExpensiveRunOnceAndReclaimsStaleOnes() throws {
        let store = try ResultStore(path: try temporaryPath())
        try store.registerExperiment(name: "e", title: "t", specPath: "e.yaml", specText: "name: e")
        try store.ensureRuns([newRun("cheap", cost: 1), newRun("dear", cost: 10)])
        let keys: Set = ["cheap", "dear"]
        let first = try store.claimNext(keys: keys, owner: "a", isStale: { _, _ in false })
        #expect(first?.key == "dear")
        let second = try store.claimNext(keys: keys, owner: "b", isStale: { _, _ in false })
        #expect(second?.key == "cheap")
        #expect(try store.claimNext(keys: keys, owner: "c", isStale: { _, _ in false }) == nil)
        let reclaimed = try store.claimNext(keys: keys, owner: "c", isStale: { owner, _ in owner == "a" })
        #expect(reclaimed?.key == "dear" && reclaimed?.owner == "c")
        // A failed run is not claimed again until retried (once per invocation).
        try store.finish(runID: reclaimed!.id, status: .failed, errorText: "boom")
        #expect(try store.claimNext(keys: keys, owner: "d", isStale: { _, _ in true })?.key == "cheap")
        #expect(try store.claimNext(keys: keys, owner: "d", isStale: { _, _ in false }) == nil)
        try store.retryFailed(keys: ["dear"])
        #expect(try store.claimNext(keys: keys, owner: "d", isStale: { _, _ in false })?.key == "dear")
    }

    @Test func refusesFilesThatAreNotOurs() throws {
        let text = try temporaryPath()
        try "hello".write(toFile: text, atomically: true, encoding: .utf8)
        #expect(throws: StoreError.self) { try ResultStore(path: text) }
        #expect(try String(contentsOfFile: text, encoding: .utf8) == "hello", "nothing overwritten")

        let missingFolder = "/nonexistent-\(UUID().uuidString)/r.sqlite"
        #expect(throws: StoreError.self) { try ResultStore(path: missingFolder) }
    }

    /// Found by `make fuzz` (target database): a file whose `runs` table lacked a column stopped
    /// GRDB at the first row read (a trap). Opening it, for reading or writing, is an error naming
    /// the table now, and the file is left as it was.
    @Test func refusesATableWithAMissingColumn() throws {
        let path = try temporaryPath()
        let store = try ResultStore(path: path)
        try store.registerExperiment(name: "e", title: "t", specPath: "e.yaml", specText: "name: e")
        try store.ensureRuns([newRun("a")])
        store.checkpointIfLastWriter()
        try SQLiteFile.execute("ALTER TABLE runs DROP COLUMN steps_completed", at: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for readOnly in [true, false] {
            do {
                _ = try ResultStore(path: path, readOnly: readOnly)
                Issue.record("opened a database whose runs table lacks a column (readOnly \(readOnly))")
            } catch let e as StoreError {
                #expect(e.description.contains("table runs has columns") && e.description.contains("steps_completed"))
                #expect(e.description.contains("damaged or was altered outside AdamBench"))
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "nothing written")
    }

    @Test func refusesAForeignSQLiteDatabaseAndANewerSchema() throws {
        let foreign = try temporaryPath()
        try SQLiteFile.execute("CREATE TABLE people(name TEXT)", at: foreign)
        do {
            _ = try ResultStore(path: foreign)
            Issue.record("opened a foreign database")
        } catch let e as StoreError {
            #expect(e.description.contains("is not an AdamBench results database"))
        }

        let newer = try temporaryPath()
        _ = try ResultStore(path: newer)
        try SQLiteFile.execute("INSERT INTO grdb_migrations VALUES ('v99-from-the-future')", at: newer)
        do {
            _ = try ResultStore(path: newer)
            Issue.record("opened a newer database")
        } catch let e as StoreError {
            #expect(
                e.description.contains("written by a newer AdamBench") && e.description.contains("v99-from-the-future"))
        }
    }

    @Test func curveHashIgnoresWallTimeAndSeesEveryBit() throws {
        let store = try ResultStore(path: try temporaryPath())
        try store.registerExperiment(name: "e", title: "t", specPath: "e.yaml", specText: "name: e")
        try store.ensureRuns([newRun("a"), newRun("b"), newRun("c")])
        let runs = try store.runs()
        try store.insertMetrics(
            [MetricPoint(name: "m", step: 1, epoch: 1, value: 0.25, wallSeconds: 1)], runID: runs[0].id)
        try store.insertMetrics(
            [MetricPoint(name: "m", step: 1, epoch: 1, value: 0.25, wallSeconds: 7)], runID: runs[1].id)
        try store.insertMetrics(
            [MetricPoint(name: "m", step: 1, epoch: 1, value: 0.25.nextUp, wallSeconds: 1)], runID: runs[2].id)
        #expect(try store.curveHash(runID: runs[0].id) == store.curveHash(runID: runs[1].id))
        #expect(try store.curveHash(runID: runs[0].id) != store.curveHash(runID: runs[2].id))
    }

    /// A merge copies a shard's finished run and its spec once; merging again adds nothing, and a
    /// spec already stored with the same text is not counted (nor written) again.
    @Test func mergingTwiceAddsNothing() throws {
        let shard = try ResultStore(path: try temporaryPath())
        try shard.registerExperiment(name: "e", title: "t", specPath: "e.yaml", specText: "name: e")
        try shard.ensureRuns([newRun("k1")])
        let run = try #require(try shard.claimNext(keys: ["k1"], owner: "a", isStale: { _, _ in false }))
        try shard.insertMetrics([MetricPoint(name: "m", step: 0, epoch: 0, value: 1, wallSeconds: 0)], runID: run.id)
        try shard.finish(runID: run.id, status: .completed)
        let merged = try ResultStore(path: try temporaryPath())
        let first = try merged.merge(from: [shard])
        #expect(first.added == 1 && first.experiments == 1)
        let second = try merged.merge(from: [shard])
        #expect(second.added == 0 && second.failuresAdded == 0 && second.alreadyPresent == 1 && second.experiments == 0)
        #expect(try merged.curveHash(runID: try #require(try merged.runs().first).id) == shard.curveHash(runID: run.id))
    }
}

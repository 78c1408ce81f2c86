import ChildProcess
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
        let script =
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
            + "c.execute('alter table runs drop column steps_completed'); c.commit()"
        #expect(try ChildProcess.run("python3", ["-c", script, path], timeout: 120).status == 0)
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
        let script =
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table people(name text)'); c.commit()"
        #expect(try ChildProcess.run("python3", ["-c", script, foreign], timeout: 120).status == 0)
        do {
            _ = try ResultStore(path: foreign)
            Issue.record("opened a foreign database")
        } catch let e as StoreError {
            #expect(e.description.contains("is not an AdamBench results database"))
        }

        let newer = try temporaryPath()
        _ = try ResultStore(path: newer)
        let future =
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"insert into grdb_migrations values ('v99-from-the-future')\"); c.commit()"
        #expect(try ChildProcess.run("python3", ["-c", future, newer], timeout: 120).status == 0)
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

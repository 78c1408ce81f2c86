import Foundation
import ResultStore
import Testing

/// After `adam-bench run` (and `report`) the database file alone holds everything: users copy or
/// compress the `.sqlite` without its `-wal`, and so will cluster jobs.
@Suite struct DatabaseFileTests {
    @Test func theDatabaseFileAloneHoldsEveryRunAfterARun() throws {
        let dir = try temporaryDirectory()
        let spec = try RunnerTests.writeSpec(
            dir, name: "walfile", epochs: 2, subset: 256,
            optimizers: "  - {name: adam, hyperparameters: {lr: [0.001, 0.01]}}",
            seeds: "[1, 2]")
        let db = dir.appendingPathComponent("w.sqlite").path
        let out = try AdamBenchExecutable.run(
            ["run", spec, "--db", db, "--scale", "paper", "--jobs", "2", "--data-dir", RunnerTests.dataFolder])
        #expect(out.status == 0, "\(out.stderr)")
        let wal = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0, "the log was moved into the file and emptied: \(wal) bytes left")
        // The file copied alone, as a user would.
        let copy = dir.appendingPathComponent("copy.sqlite").path
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        let runs = try ResultStore(path: copy).runs()
        #expect(runs.count == 4 && runs.allSatisfy { $0.status == .completed })
    }
}

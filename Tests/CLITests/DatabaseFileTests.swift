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

    /// A results database shared read-only (its file and folder not writable by the user): the
    /// commands that only read it work on it as it is, without creating anything beside it.
    @Test func aDatabaseItsUserMayNotWriteIsReadAsItIs() throws {
        let dir = try temporaryDirectory()
        let folder = dir.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let spec = try RunnerTests.writeSpec(
            dir, name: "shared", epochs: 1, subset: 256, optimizers: "  - {name: adam, hyperparameters: {lr: 0.001}}",
            seeds: "[1]")
        let db = folder.appendingPathComponent("r.sqlite").path
        let out = try AdamBenchExecutable.run(
            ["run", spec, "--db", db, "--scale", "paper", "--data-dir", RunnerTests.dataFolder])
        #expect(out.status == 0, "\(out.stderr)")
        let reports = dir.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        #expect(chmod(reports.path, 0o777) == 0 && chmod(db, 0o444) == 0 && chmod(folder.path, 0o555) == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let runs = try Unprivileged.run(["runs", "--db", db])
        #expect(runs.status == 0 && runs.stdout.contains("completed"), "\(runs.stderr)")
        let report = try Unprivileged.run(["report", "--db", db, "--out", reports.path])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(FileManager.default.fileExists(atPath: reports.appendingPathComponent("REPORT.md").path))
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == files)
    }
}

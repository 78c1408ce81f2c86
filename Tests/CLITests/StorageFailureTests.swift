import Foundation
import ResultStore
import TestSupport
import Testing

/// The disk filling up while a run records its epochs, on a real (small) file system: a tmpfs
/// mounted for the test, which needs root (CI runs as root; otherwise the suite says why it skips).
@Suite(.serialized, .enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
struct StorageFailureTests {
    /// 40 epochs of logistic regression: each epoch's commit adds its metrics and a 31 KB
    /// checkpoint to the write-ahead log, so a 300 KB file system fills within the first epochs.
    static func writeSpec(_ dir: URL) throws -> String {
        try RunnerTests.writeSpec(
            dir, name: "full", epochs: 40, subset: 256, optimizers: "  - {name: adam, hyperparameters: {lr: 0.001}}",
            seeds: "[1]", logEvery: 8)
    }

    @Test func aFullDiskStopsTheRunAndAResumeGivesTheUninterruptedCurve() throws {
        let dir = try temporaryDirectory()
        let spec = try Self.writeSpec(dir)
        let reference = dir.appendingPathComponent("reference.sqlite").path
        let arguments = ["--scale", "paper", "--data-dir", RunnerTests.dataFolder]
        let uninterrupted = try AdamBenchExecutable.run(["run", spec, "--db", reference] + arguments)
        #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")

        let disk = dir.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        try mount(disk, size: "300k")
        defer { _ = try? Shell.run("umount", [disk.path]) }
        let db = disk.appendingPathComponent("full.sqlite").path
        let full = try AdamBenchExecutable.run(["run", spec, "--db", db, "--jobs", "2"] + arguments)
        #expect(full.status == 1, "one clear failure, not a trap or a signal: \(full.status)\n\(full.stderr)")
        #expect(full.stderr.contains("\(db): the disk is full"), "\(full.stderr)")
        #expect(full.stderr.contains("run the same command again to resume"), "\(full.stderr)")
        #expect(!full.stderr.contains("Fatal error"))
        #expect(try integrityCheck(db) == "ok")
        let stopped = try ResultStore(path: db, readOnly: true).runs()
        #expect(stopped.count == 1 && stopped[0].status != .completed && stopped[0].status != .failed)
        #expect(stopped[0].epochsCompleted >= 1 && stopped[0].epochsCompleted < 40, "the disk filled mid-run")

        // Space freed: the same command resumes the run from its last recorded epoch.
        _ = try Shell.run("mount", ["-o", "remount,size=64m", disk.path])
        let resumed = try AdamBenchExecutable.run(["run", spec, "--db", db, "--jobs", "2"] + arguments)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming after epoch \(stopped[0].epochsCompleted)"), "\(resumed.stdout)")
        #expect(try integrityCheck(db) == "ok")
        #expect(try finishedCurves(db) == finishedCurves(reference))
        let points = { (path: String) throws -> Int in
            let store = try ResultStore(path: path, readOnly: true)
            return try store.runs().map { try store.metrics(runID: $0.id).count }.reduce(0, +)
        }
        #expect(try points(db) == points(reference))
    }

    func mount(_ folder: URL, size: String) throws {
        let out = try Shell.run("mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", folder.path])
        guard out.status == 0 else { throw CommandFailureInTest("mount tmpfs: \(out.stderr)") }
    }

    /// `PRAGMA integrity_check` through plain GRDB, not through the code under test.
    func integrityCheck(_ db: String) throws -> String { SQLiteFile.integrityCheck(db) }
}

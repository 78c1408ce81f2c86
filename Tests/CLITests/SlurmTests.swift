import Foundation
import ResultStore
import Testing

/// `adam-bench slurm` on a real SLURM (scripts/slurm-local.sh: Debian's slurmctld and two slurmd
/// nodes on this machine). Needs root to install and start it, as CI runs; skipped otherwise.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root: installs and starts a local SLURM (CI runs as root)"))
struct SlurmTests {
    static let script = repositoryRoot().appendingPathComponent("scripts/slurm-local.sh").path

    /// Runs `body` with a cluster up: the one already running, else one started (and stopped) here.
    static func withCluster(_ body: () throws -> Void) throws {
        let running = (try? Shell.run("sinfo", ["-h", "-o", "%T"]))?.status == 0
        if !running {
            let start = try Shell.run(script, ["start"])
            try #require(start.status == 0, "slurm-local.sh start: \(start.stdout)\(start.stderr)")
        }
        defer { if !running { _ = try? Shell.run(script, ["stop"]) } }
        try body()
    }

    /// Waits until `condition` holds (polling every 0.5 s) or `seconds` pass; returns whether it held.
    static func wait(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.5)
        }
        return condition()
    }

    static func queueIsEmpty() -> Bool {
        (try? Shell.run("squeue", ["-h", "-o", "%i"]))?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == ""
    }

    func curves(_ db: String) throws -> [String: String] { try finishedCurves(db) }

    func submit(_ specs: [String], workdir: URL, shards: Int, data: String = RunnerTests.dataFolder) throws {
        let out = try AdamBenchExecutable.run(
            ["slurm"] + specs + [
                "--scale", "paper", "--shards", "\(shards)", "--workdir", workdir.path, "--time", "00:30:00",
                "--submit", "--data-dir", data,
            ])
        try #require(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("submitted round 1"))
    }

    func single(_ specs: [String], in dir: URL) throws -> String {
        let db = dir.appendingPathComponent("single.sqlite").path
        let out = try AdamBenchExecutable.run(
            ["run"] + specs + ["--db", db, "--scale", "paper", "--jobs", "2", "--data-dir", RunnerTests.dataFolder])
        #expect(out.status == 0, "\(out.stderr)")
        return db
    }

    @Test func aShardedCampaignGivesTheSingleProcessCurves() throws {
        try Self.withCluster {
            let dir = try temporaryDirectory()
            // Two specs, one with stages (extension and confirm): the campaign needs several rounds.
            let staged = try StagedRunTests.writeSpec(dir)
            let plain = try RunnerTests.writeSpec(
                dir, name: "plain", epochs: 2, subset: 512, optimizers: RunnerTests.twoOptimizers)
            let workdir = dir.appendingPathComponent("campaign")
            try submit([staged, plain], workdir: workdir, shards: 4)
            let complete = workdir.appendingPathComponent("COMPLETE").path
            #expect(Self.wait(300) { FileManager.default.fileExists(atPath: complete) }, "the campaign completed")
            let merged = workdir.appendingPathComponent("merged.sqlite").path
            #expect(try curves(merged) == curves(try single([staged, plain], in: dir)))
            let status = try AdamBenchExecutable.run(["slurm", "status", workdir.path])
            #expect(status.stdout.contains("complete, report in"), "\(status.stdout)")
            #expect(FileManager.default.fileExists(atPath: workdir.appendingPathComponent("report/REPORT.md").path))
        }
    }

    @Test func aKilledTaskResumesInTheNextRoundToTheSameCurves() throws {
        try Self.withCluster {
            let dir = try temporaryDirectory()
            let spec = try RunnerTests.writeSpec(
                dir, name: "killed", model: "{name: mlp, hidden: [512, 512]}", epochs: 6, subset: 8192,
                optimizers: "  - {name: adam}\n  - {name: sgd, hyperparameters: {lr: 0.1}}", seeds: "[1]")
            let workdir = dir.appendingPathComponent("campaign")
            try submit([spec], workdir: workdir, shards: 2)
            // Kill -9 shard 1's adam-bench once its run has recorded an epoch.
            let shard = workdir.appendingPathComponent("shards/shard-1.sqlite").path
            #expect(
                Self.wait(120) {
                    ((try? ResultStore(path: shard).runs().first?.epochsCompleted) ?? 0) >= 1
                }, "shard 1 recorded an epoch")
            let killed = try Shell.run("pkill", ["-KILL", "-f", "shards/shard-1.sqlite"])
            #expect(killed.status == 0, "a shard-1 process was found and killed")
            let complete = workdir.appendingPathComponent("COMPLETE").path
            #expect(Self.wait(300) { FileManager.default.fileExists(atPath: complete) }, "the campaign completed")
            let rounds = try String(contentsOf: workdir.appendingPathComponent("jobs.tsv"), encoding: .utf8)
            #expect(rounds.split(separator: "\n").count >= 3, "a second round resumed the killed shard: \(rounds)")
            let merged = workdir.appendingPathComponent("merged.sqlite").path
            #expect(try curves(merged) == curves(try single([spec], in: dir)))
        }
    }

    @Test func aFailingTaskShowsAsFailedWithItsError() throws {
        try Self.withCluster {
            let dir = try temporaryDirectory()
            // A data folder whose MNIST test labels are corrupted: every run fails on the checksum.
            let data = dir.appendingPathComponent("data")
            try FileManager.default.createDirectory(
                at: data.appendingPathComponent("mnist"), withIntermediateDirectories: true)
            let real = URL(fileURLWithPath: RunnerTests.dataFolder).appendingPathComponent("mnist")
            for file in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"] {
                try FileManager.default.createSymbolicLink(
                    at: data.appendingPathComponent("mnist/\(file)"),
                    withDestinationURL: real.appendingPathComponent(file))
            }
            var labels = try Data(contentsOf: real.appendingPathComponent("t10k-labels-idx1-ubyte"))
            labels[100] ^= 1
            try labels.write(to: data.appendingPathComponent("mnist/t10k-labels-idx1-ubyte"))
            let spec = try RunnerTests.writeSpec(
                dir, name: "fails", optimizers: "  - {name: sgd, hyperparameters: {lr: 0.1}}", seeds: "[1, 2]")
            let workdir = dir.appendingPathComponent("campaign")
            try submit([spec], workdir: workdir, shards: 2, data: data.path)
            #expect(Self.wait(120) { Self.queueIsEmpty() }, "the round and its continue job ended")
            let status = try AdamBenchExecutable.run(["slurm", "status", workdir.path])
            #expect(status.stdout.contains("FAILED") && status.stdout.contains("checksum mismatch"), "\(status.stdout)")
            let logs = try FileManager.default.contentsOfDirectory(
                atPath: workdir.appendingPathComponent("logs").path)
            let continued = try logs.filter { $0.hasPrefix("continue-") }.map {
                try String(contentsOf: workdir.appendingPathComponent("logs/\($0)"), encoding: .utf8)
            }.joined()
            #expect(continued.contains("made no progress"), "the campaign stops instead of looping: \(continued)")
            #expect(!FileManager.default.fileExists(atPath: workdir.appendingPathComponent("COMPLETE").path))
        }
    }
}

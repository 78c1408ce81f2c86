import Foundation
import ResultStore
import Testing

/// `run --shard I/N` and `merge`: a campaign split over shard databases, stage by stage, gives the
/// curves of one process; merging is idempotent; a shard with a different curve for a run is refused.
@Suite(.serialized) struct ShardMergeTests {
    func run(_ arguments: [String]) throws -> CommandLineRun {
        try AdamBenchExecutable.run(arguments + ["--data-dir", RunnerTests.dataFolder])
    }

    /// Rounds of 3 shards and a merge until the merged database decides every stage.
    func campaign(_ spec: String, in dir: URL) throws -> String {
        let merged = dir.appendingPathComponent("merged.sqlite").path
        for round in 1...6 {
            var shards: [String] = []
            for i in 1...3 {
                let db = dir.appendingPathComponent("shard\(i).sqlite").path
                var arguments = ["run", spec, "--db", db, "--scale", "paper", "--shard", "\(i)/3", "--jobs", "1"]
                if round > 1 { arguments += ["--outcomes", merged] }
                let out = try run(arguments)
                #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
                shards.append(db)
            }
            let merge = try AdamBenchExecutable.run(["merge", "--into", merged] + shards)
            #expect(merge.status == 0, "\(merge.stderr)")
            if merge.stdout.contains(": 0 runs added") { return merged }
        }
        Issue.record("the campaign did not converge in 6 rounds")
        return merged
    }

    func curves(_ db: String) throws -> [String: String] { try finishedCurves(db) }

    @Test func shardsAndMergeGiveTheSingleProcessCurvesAndMergingAgainChangesNothing() throws {
        let dir = try temporaryDirectory()
        let spec = try StagedRunTests.writeSpec(dir)
        let single = dir.appendingPathComponent("single.sqlite").path
        #expect(try run(["run", spec, "--db", single, "--scale", "paper", "--jobs", "2"]).status == 0)
        let merged = try campaign(spec, in: dir)
        #expect(try curves(merged) == curves(single))
        #expect(try curves(merged).count == 8)

        // Merging again, in another order, adds nothing.
        let shards = (1...3).map { dir.appendingPathComponent("shard\($0).sqlite").path }
        let again = try AdamBenchExecutable.run(["merge", "--into", merged] + shards.reversed())
        #expect(again.status == 0 && again.stdout.contains(": 0 runs added"), "\(again.stdout)")
        #expect(try curves(merged) == curves(single))

        // The merged database reports as the single process's does (apart from provenance).
        func report(_ db: String) throws -> String {
            let out = dir.appendingPathComponent(UUID().uuidString).path
            #expect(try AdamBenchExecutable.run(["report", "--db", db, "--out", out]).status == 0)
            return try String(contentsOfFile: "\(out)/staged/paper/best_settings.csv", encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: ",").prefix(7).joined(separator: ",") }
                .joined(separator: "\n")
        }
        #expect(try report(merged) == report(single))
    }

    @Test func aShardWithAnotherCurveForARunIsRefusedAndNothingIsWritten() throws {
        let dir = try temporaryDirectory()
        let spec = try StagedRunTests.writeSpec(dir)
        let a = dir.appendingPathComponent("a.sqlite").path, b = dir.appendingPathComponent("b.sqlite").path
        #expect(try run(["run", spec, "--db", a, "--scale", "paper", "--shard", "1/1", "--jobs", "1"]).status == 0)
        try FileManager.default.copyItem(atPath: a, toPath: b)
        // One value of one run's curve changed in the copy.
        let copy = try ResultStore(path: b)
        let victim = try #require(try copy.runs().first { $0.status == .completed })
        let point = try #require(try copy.metrics(runID: victim.id).first { $0.name == "train_loss" })
        try copy.insertMetrics(
            [.init(name: point.name, step: point.step, epoch: point.epoch, value: point.value + 1, wallSeconds: 0)],
            runID: victim.id)
        let target = dir.appendingPathComponent("target.sqlite").path
        #expect(try AdamBenchExecutable.run(["merge", "--into", target, a]).status == 0)
        let before = try curves(target)
        let out = try AdamBenchExecutable.run(["merge", "--into", target, b])
        #expect(out.status != 0)
        #expect(out.stderr.contains("run \(victim.key.prefix(16))") && out.stderr.contains(b))
        #expect(out.stderr.contains(target) && out.stderr.contains("nothing was merged"))
        #expect(try curves(target) == before)
        // Between two shards as well, whichever order.
        let fresh = dir.appendingPathComponent("fresh.sqlite").path
        #expect(try AdamBenchExecutable.run(["merge", "--into", fresh, b, a]).status != 0)
        #expect(try ResultStore(path: fresh).runs().isEmpty)
    }

    @Test func foreignInputsAndAnotherKernelSetAreRefused() throws {
        let dir = try temporaryDirectory()
        let notes = dir.appendingPathComponent("notes.sqlite").path
        try "precious notes".write(toFile: notes, atomically: true, encoding: .utf8)
        let target = dir.appendingPathComponent("target.sqlite").path
        let foreign = try AdamBenchExecutable.run(["merge", "--into", target, notes])
        #expect(foreign.status != 0 && foreign.stderr.contains("not a SQLite database"), "\(foreign.stderr)")
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "precious notes")
        let missing = try AdamBenchExecutable.run([
            "merge", "--into", target, dir.appendingPathComponent("no.sqlite").path,
        ])
        #expect(missing.status != 0 && missing.stderr.contains("no.sqlite: no such database"))
        // A task on a node of another CPU family refuses to add its curves to the campaign: this
        // process computes with the Haswell kernels (any x86-64 CPU with AVX2 runs them), the
        // campaign expects SkylakeX.
        let spec = try StagedRunTests.writeSpec(dir)
        let other = try AdamBenchExecutable.run(
            [
                "run", spec, "--db", dir.appendingPathComponent("s.sqlite").path, "--scale", "paper", "--shard", "1/2",
                "--expect-kernels", "skylakex", "--data-dir", RunnerTests.dataFolder,
            ], environment: ["OPENBLAS_CORETYPE": "Haswell"])
        #expect(other.status != 0 && other.stderr.contains("--expect-kernels skylakex: this process computes with"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("s.sqlite").path))
    }
}

import ChildProcess
import Foundation
import ResultStore
import Testing

/// End-to-end tests of `adam-bench run` on real MNIST subsets (the data folder of `make data`:
/// $ADAMBENCH_DATA, else ./data).
@Suite(.serialized) struct RunnerTests {
    static var dataFolder: String {
        ProcessInfo.processInfo.environment["ADAMBENCH_DATA"].flatMap { $0.isEmpty ? nil : $0 }
            ?? repositoryRoot().appendingPathComponent("data").path
    }

    /// A small real spec: logistic regression and a narrow MLP on MNIST subsets.
    static func writeSpec(
        _ dir: URL, name: String, model: String = "{name: logistic-regression}", epochs: Int = 3,
        subset: Int = 1024, optimizers: String, seeds: String = "[1, 2]", logEvery: Int = 4,
        tuning: String = "tuning: {max-extensions: 0}"
    ) throws -> String {
        let path = dir.appendingPathComponent("\(name).yaml").path
        try """
        name: \(name)
        data: {dataset: mnist}
        model: \(model)
        training: {epochs: \(epochs), batch-size: 32, seeds: \(seeds), log-every: \(logEvery), training-subset: \(subset), test-subset: 256}
        \(tuning)
        optimizers:
        \(optimizers)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let twoOptimizers = """
          - {name: adam, hyperparameters: {lr: [0.001, 0.01]}}
          - {name: nesterov, hyperparameters: {lr: 0.1}}
        """

    func run(_ arguments: [String]) throws -> CommandLineRun {
        try AdamBenchExecutable.run(["run"] + arguments + ["--data-dir", Self.dataFolder])
    }

    func hashes(_ db: String) throws -> [String: String] {
        let out = try AdamBenchExecutable.run(["runs", "--db", db, "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        struct Line: Decodable {
            var key: String, status: String, epochs: Int, curve_hash: String
        }
        let lines = try JSONDecoder().decode([Line].self, from: Data(out.stdout.utf8))
        return Dictionary(uniqueKeysWithValues: lines.map { ($0.key, "\($0.status) \($0.epochs) \($0.curve_hash)") })
    }

    @Test func curvesDoNotDependOnTheNumberOfWorkers() throws {
        let dir = try temporaryDirectory()
        // With the grid's edge extension (the default tuning protocol): the plan grows as runs finish.
        let spec = try Self.writeSpec(dir, name: "jobs", optimizers: Self.twoOptimizers, tuning: "")
        let one = try run([
            spec, "--db", dir.appendingPathComponent("one.sqlite").path, "--scale", "paper", "--jobs", "1",
        ])
        let two = try run([
            spec, "--db", dir.appendingPathComponent("two.sqlite").path, "--scale", "paper", "--jobs", "2",
        ])
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
        let a = try hashes(dir.appendingPathComponent("one.sqlite").path),
            b = try hashes(dir.appendingPathComponent("two.sqlite").path)
        #expect(a.count == 8 && a == b, "2 x 2 grid runs, 2 extension runs, 2 runs of the fixed setting")
        #expect(a.values.allSatisfy { $0.hasPrefix("completed 3 ") })
        // A second invocation finds everything recorded and runs nothing.
        let again = try run([spec, "--db", dir.appendingPathComponent("two.sqlite").path, "--scale", "paper"])
        #expect(again.stdout.contains("8 runs at scale paper: 8 already recorded, 0 to run"))
    }

    @Test func aKilledRunResumesToTheSameCurve() throws {
        let dir = try temporaryDirectory()
        let spec = try Self.writeSpec(
            dir, name: "resume", model: "{name: mlp, hidden: [512, 512], hidden-dropout: 0.5}", epochs: 4,
            subset: 8192, optimizers: "  - {name: adam}", seeds: "[1]", logEvery: 16)
        let reference = dir.appendingPathComponent("reference.sqlite").path
        #expect(try run([spec, "--db", reference, "--scale", "paper", "--jobs", "1"]).status == 0)

        let killed = dir.appendingPathComponent("killed.sqlite").path
        // Wait until the first epoch is recorded, then a little into the second one, and kill -9.
        #expect(try Self.killAfterEpochs(spec: spec, db: killed, epochs: 1, delay: 0.3) >= 1)
        let interrupted = try ResultStore(path: killed).runs().first
        #expect(interrupted?.status == .running && (interrupted?.epochsCompleted ?? 9) < 4, "killed before the end")

        let resumed = try run([spec, "--db", killed, "--scale", "paper", "--jobs", "1"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming after epoch"))
        #expect(try hashes(killed) == hashes(reference))
        let store = try ResultStore(path: killed)
        let run = try #require(try store.runs().first)
        let points = try store.metrics(runID: run.id)
        // 4 epochs of 256 steps: 5 evaluation metrics at epochs 0-4, 4 epoch means, 4 second-moment
        // fractions (Adam), 64 logged minibatch losses.
        #expect(points.count == 5 * 5 + 4 + 4 + 1024 / 16)
        #expect(Set(points.map { "\($0.name)@\($0.step)" }).count == points.count)
    }

    /// Starts `adam-bench run` on `spec`, waits until its (first) run has recorded `epochs` epochs and
    /// `delay` seconds more, and kills it with SIGKILL. Returns the epochs recorded when it was killed.
    static func killAfterEpochs(spec: String, db: String, epochs target: Int, delay: TimeInterval) throws -> Int {
        let process = try ChildProcess.spawn(
            AdamBenchExecutable.url.path,
            ["run", spec, "--db", db, "--scale", "paper", "--jobs", "1", "--data-dir", dataFolder], stderr: .inherit)
        let deadline = Date().addingTimeInterval(120)
        var epochs = 0
        while Date() < deadline && epochs < target {
            Thread.sleep(forTimeInterval: 0.02)
            epochs = (try? ResultStore(path: db).runs().first?.epochsCompleted) ?? 0
        }
        Thread.sleep(forTimeInterval: delay)
        process.signal(SIGKILL)
        _ = process.wait()
        return epochs
    }

    @Test func aDivergingSettingStopsAloneWithItsStep() throws {
        let dir = try temporaryDirectory()
        let spec = try Self.writeSpec(
            dir, name: "diverge", optimizers: "  - {name: sgd, hyperparameters: {lr: [0.1, 1.0e6]}}", seeds: "[1]")
        let db = dir.appendingPathComponent("d.sqlite").path
        let result = try run([spec, "--db", db, "--scale", "paper"])
        #expect(result.status == 0, "divergence is a result, not a failure: \(result.stderr)")
        let runs = try ResultStore(path: db).runs()
        let diverged = try #require(runs.first { $0.settingJSON.contains("1000000") })
        let sibling = try #require(runs.first { $0.settingJSON.contains("0.1") })
        #expect(diverged.status == .diverged && diverged.divergedStep != nil && diverged.divergedStep! >= 1)
        #expect(sibling.status == .completed && sibling.epochsCompleted == 3)
    }

    @Test func twoProcessesSplitTheRunsAndRunEachOnce() throws {
        let dir = try temporaryDirectory()
        let spec = try Self.writeSpec(
            dir, name: "shared",
            optimizers: Self.twoOptimizers + "\n  - {name: adagrad, hyperparameters: {lr: [0.01, 0.1]}}",
            seeds: "[1, 2]")
        let db = dir.appendingPathComponent("s.sqlite").path
        // Two real processes started together on the same database.
        var processes: [(ChildProcess, URL, URL)] = []
        for i in 0..<2 {
            let out = dir.appendingPathComponent("out\(i).txt"), err = dir.appendingPathComponent("err\(i).txt")
            let process = try ChildProcess.spawn(
                AdamBenchExecutable.url.path,
                ["run", spec, "--db", db, "--scale", "paper", "--jobs", "1", "--data-dir", Self.dataFolder],
                stdout: .file(out.path), stderr: .file(err.path))
            processes.append((process, out, err))
        }
        var outputs: [CommandLineRun?] = []
        for (process, out, err) in processes {
            let end = process.wait(timeout: childTimeout)
            if end == nil { process.stop() }
            outputs.append(
                CommandLineRun(
                    status: end?.status ?? -1, stdout: try String(contentsOf: out, encoding: .utf8),
                    stderr: try String(contentsOf: err, encoding: .utf8)))
        }
        for output in outputs {
            #expect(output?.status == 0, "\(output?.stderr ?? "did not run")")
            #expect(!(output?.stderr.contains("locked") ?? true))
        }
        let finished = outputs.compactMap { $0?.stdout }.joined().split(separator: "\n").filter { $0.hasPrefix("done") }
        #expect(finished.count == 10, "each of the 10 runs finished exactly once")
        #expect(try hashes(db).values.allSatisfy { $0.hasPrefix("completed 3 ") })
    }

    @Test func interruptStopsCleanlyAndResumes() throws {
        let dir = try temporaryDirectory()
        let spec = try Self.writeSpec(
            dir, name: "interrupt", model: "{name: mlp, hidden: [512, 512]}", epochs: 3, subset: 8192,
            optimizers: "  - {name: adam}", seeds: "[1]")
        let db = dir.appendingPathComponent("i.sqlite").path
        let process = try ChildProcess.spawn(
            AdamBenchExecutable.url.path,
            ["run", spec, "--db", db, "--scale", "paper", "--jobs", "1", "--data-dir", Self.dataFolder],
            stderr: .inherit)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && ((try? ResultStore(path: db).runs().first?.epochsCompleted) ?? 0) < 1 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.signal(SIGINT)
        let end = process.wait(timeout: childTimeout)
        if end == nil { process.stop() }
        #expect(end?.status == 130)
        let after = try ResultStore(path: db).runs().first
        #expect(
            after?.status == .pending && (after?.epochsCompleted ?? 0) >= 1,
            "released, resumable, nothing committed lost")
        #expect(try run([spec, "--db", db, "--scale", "paper"]).status == 0)
        #expect(try ResultStore(path: db).runs().first?.status == .completed)
    }

    @Test func aFailedRunIsShownAgainOnTheNextInvocation() throws {
        let dir = try temporaryDirectory()
        // A data folder whose MNIST test labels are corrupted: the run fails on the checksum.
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(
            at: data.appendingPathComponent("mnist"), withIntermediateDirectories: true)
        for file in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"] {
            try FileManager.default.createSymbolicLink(
                at: data.appendingPathComponent("mnist/\(file)"),
                withDestinationURL: URL(fileURLWithPath: Self.dataFolder).appendingPathComponent("mnist/\(file)"))
        }
        var labels = try Data(
            contentsOf: URL(fileURLWithPath: Self.dataFolder).appendingPathComponent("mnist/t10k-labels-idx1-ubyte"))
        labels[100] ^= 1
        try labels.write(to: data.appendingPathComponent("mnist/t10k-labels-idx1-ubyte"))
        let spec = try Self.writeSpec(dir, name: "fails", optimizers: "  - {name: sgd}", seeds: "[1]")
        let db = dir.appendingPathComponent("f.sqlite").path
        let first = try AdamBenchExecutable.run(["run", spec, "--db", db, "--scale", "paper", "--data-dir", data.path])
        #expect(first.status == 1)
        #expect(first.stderr.contains("t10k-labels-idx1-ubyte: checksum mismatch"))
        let second = try AdamBenchExecutable.run(["run", spec, "--db", db, "--scale", "paper", "--data-dir", data.path])
        #expect(second.stdout.contains("previously failed") && second.stdout.contains("checksum mismatch"))
        #expect(try ResultStore(path: db).runs().first?.errorText?.contains("checksum mismatch") == true)
    }

    @Test func badInputGetsOneClearMessage() throws {
        let dir = try temporaryDirectory()
        let spec = try Self.writeSpec(dir, name: "ok", optimizers: "  - {name: sgd}", seeds: "[1]")
        let notADatabase = dir.appendingPathComponent("notes.txt").path
        try "precious notes".write(toFile: notADatabase, atomically: true, encoding: .utf8)
        let refused = try run([spec, "--db", notADatabase, "--scale", "paper"])
        #expect(refused.status != 0 && refused.stderr.contains("not a SQLite database"))
        #expect(try String(contentsOfFile: notADatabase, encoding: .utf8) == "precious notes")
        let scale = try run([spec, "--db", dir.appendingPathComponent("x.sqlite").path, "--scale", "huge"])
        #expect(scale.status != 0 && scale.stderr.contains("scale 'huge' is not defined"))
        let missing = try run([
            dir.appendingPathComponent("nope.yaml").path, "--db", dir.appendingPathComponent("y.sqlite").path,
        ])
        #expect(missing.status != 0 && missing.stderr.contains("nope.yaml:1:1: cannot read the spec file"))
        let folder = try run([spec, "--db", "/nonexistent-folder/r.sqlite", "--scale", "paper"])
        #expect(folder.status != 0 && folder.stderr.contains("the folder /nonexistent-folder does not exist"))
    }
}

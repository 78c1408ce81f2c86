import ChildProcess
import Foundation
import ResultStore
import Testing

/// `adam-bench run` through the stages of a tuning protocol, in one invocation and across a kill.
@Suite(.serialized) struct StagedRunTests {
    static let adam = "{name: adam, label: Adam, hyperparameters: {lr: [0.003, 0.01]}}"
    static let nesterov =
        "{name: nesterov, label: SGD-Nesterov, hyperparameters: {lr: [0.03, 0.1, 0.3], momentum: 0.9}}"
    static let claim =
        "{id: c, statement: \"Adam is not worse\", relation: not-worse, subject: Adam, versus: [SGD-Nesterov]}"

    /// Adam's grid [0.003, 0.01] selects its top on MNIST logistic regression in 2 epochs, so the
    /// plan extends it once (max-extensions 1) before the confirm stage runs the selection on seed 2.
    static func writeSpec(
        _ dir: URL, file: String = "staged.yaml", optimizers: [String] = [adam, nesterov],
        confirmSeeds: String = "[1, 2]", claims: [String] = [claim]
    ) throws -> String {
        let path = dir.appendingPathComponent(file).path
        func list(_ items: [String]) -> String { items.map { "  - \($0)" }.joined(separator: "\n") }
        try """
        name: staged
        data: {dataset: mnist}
        model: {name: logistic-regression}
        training: {epochs: 2, batch-size: 32, seeds: [1, 2], log-every: 8, training-subset: 2048, test-subset: 256}
        optimizers:
        \(list(optimizers))
        tuning: {seeds: [1], confirm-seeds: \(confirmSeeds), max-extensions: 1}
        \(claims.isEmpty ? "" : "claims:\n" + list(claims))
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func run(_ arguments: [String]) throws -> CommandLineRun {
        try AdamBenchExecutable.run(["run"] + arguments + ["--data-dir", RunnerTests.dataFolder])
    }

    /// Run key -> "setting seed status hash" of every run in `db`.
    func runs(_ db: String) throws -> [String: String] {
        let store = try ResultStore(path: db)
        var result: [String: String] = [:]
        for record in try store.runs() {
            result[record.key] =
                "\(record.settingJSON) \(record.seed) \(record.status.rawValue) \(try store.curveHash(runID: record.id))"
        }
        return result
    }

    @Test func oneInvocationGoesThroughEveryStage() throws {
        let dir = try temporaryDirectory()
        let spec = try Self.writeSpec(dir)
        let db = dir.appendingPathComponent("a.sqlite").path
        let plan = try AdamBenchExecutable.run(
            ["plan", spec, "--scale", "paper", "--summary", "--data-dir", RunnerTests.dataFolder])
        #expect(plan.stdout.contains("tuning on seeds 1: 5 runs") && plan.stdout.contains("(2 once tuning selects)"))
        let out = try run([spec, "--db", db, "--scale", "paper", "--jobs", "2"])
        #expect(out.status == 0, "\(out.stderr)")
        let recorded = try runs(db)
        let adam = recorded.values.filter { $0.contains("\"lr\":0.0") && !$0.contains("momentum") }
        // Grid (2) + one extension (0.03) on seed 1, then the selection on seed 2.
        #expect(adam.count == 4, "\(recorded.values.sorted())")
        #expect(adam.contains { $0.hasPrefix("{\"lr\":0.03}") })
        #expect(recorded.values.allSatisfy { $0.contains(" completed ") })
        let confirm = recorded.values.filter { $0.contains(" 2 completed") }
        #expect(confirm.count == 2, "one confirm run per optimizer")

        let report = dir.appendingPathComponent("report").path
        let rendered = try AdamBenchExecutable.run(["report", "--db", db, "--out", report])
        #expect(rendered.status == 0, "\(rendered.stderr)")
        let text = try String(contentsOfFile: "\(report)/staged/paper/REPORT.md", encoding: .utf8)
        #expect(
            text.contains(
                "averaged over the tuning seed (1); the selected setting then runs on the confirm seeds (1, 2)"))
        #expect(text.contains("| 1 | 1,2 |"), "selected on seed 1, judged on seeds 1 and 2")
        #expect(text.contains("selected on seed 1, judged on seeds 1, 2"))
        #expect(text.contains("upper edge of lr, 1 extension tried (extension limit reached)"))

        // `plan` prices what remains at the pace of the runs this CPU completed, and only those.
        let store = try ResultStore(path: db)
        let first = try #require(try store.runs().first)
        let cpu = try #require(try RunProvenance(record: first)).base.cpu
        func paceLine(_ prefix: String = "# on this CPU") throws -> String {
            let planned = try AdamBenchExecutable.run(
                ["plan", spec, "--scale", "paper", "--summary", "--db", db, "--data-dir", RunnerTests.dataFolder])
            return planned.stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init) ?? ""
        }
        #expect(try paceLine().hasPrefix("# on this CPU (\(cpu)): \(recorded.count) completed runs of this plan took"))
        #expect(try paceLine().hasSuffix("what remains at each optimizer's pace: 0.00 core-hours"))
        let byOptimizer = try paceLine("# staged on this CPU, by optimizer: ")
        #expect(
            byOptimizer.wholeMatch(of: /# staged on this CPU, by optimizer: Adam \d+\.\d\dx, SGD-Nesterov \d+\.\d\dx/)
                != nil, "\(byOptimizer)")
        let json = try #require(first.provenanceJSON)
        try store.setProvenance(
            runID: first.id, json: json.replacingOccurrences(of: "\"cpu\":\"\(cpu)\"", with: "\"cpu\":\"another CPU\""))
        #expect(try paceLine().contains("): \(recorded.count - 1) completed runs"), "a run of another CPU is left out")
    }

    /// SGD-Nesterov's tuning is recorded (a spec that confirms on seed 1 only): its confirm run on
    /// seed 2 is planned from the start, before Adam's grid. Adam's extension, which Adam's confirm
    /// run waits for, is registered as soon as Adam's grid finishes and runs before SGD-Nesterov's
    /// confirm run, which nothing waits for.
    @Test func runsThatLaterStagesWaitForRunFirst() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("order.sqlite").path
        let nesterov = try Self.writeSpec(
            dir, file: "nesterov.yaml", optimizers: [Self.nesterov], confirmSeeds: "[1]", claims: [])
        #expect(try run([nesterov, "--db", db, "--scale", "paper", "--jobs", "1"]).status == 0)
        let both = try Self.writeSpec(dir, file: "both.yaml", optimizers: [Self.nesterov, Self.adam], claims: [])
        let out = try run([both, "--db", db, "--scale", "paper", "--jobs", "1"])
        #expect(out.status == 0, "\(out.stderr)")
        let started = out.stdout.split(separator: "\n").filter { $0.hasPrefix("start") }.map(String.init)
        #expect(started.count == 5, "Adam's grid (2), its extension, two confirm runs: \(started)")
        let adamExtension = started.firstIndex { $0.hasSuffix("staged Adam {\"lr\":0.03} seed 1") }
        let nesterovConfirm = started.firstIndex { $0.contains("staged SGD-Nesterov") && $0.hasSuffix("seed 2") }
        #expect(adamExtension != nil && nesterovConfirm != nil, "\(started)")
        #expect((adamExtension ?? .max) < (nesterovConfirm ?? .min), "\(started)")
    }

    @Test func aKillBetweenStagesResumesToTheSamePlanAndCurves() throws {
        let dir = try temporaryDirectory()
        let spec = try Self.writeSpec(dir)
        let reference = dir.appendingPathComponent("reference.sqlite").path
        #expect(try run([spec, "--db", reference, "--scale", "paper", "--jobs", "1"]).status == 0)

        let killed = dir.appendingPathComponent("killed.sqlite").path
        let process = try ChildProcess.spawn(
            AdamBenchExecutable.url.path,
            ["run", spec, "--db", killed, "--scale", "paper", "--jobs", "1", "--data-dir", RunnerTests.dataFolder],
            stderr: .inherit)
        // Kill -9 once three tuning runs finished: stages partly decided, later ones not yet.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline,
            ((try? ResultStore(path: killed).runs().filter { $0.status == .completed }.count) ?? 0) < 3
        {
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.signal(SIGKILL)
        _ = process.wait()
        let partial = try runs(killed)
        #expect(partial.count < (try runs(reference)).count, "killed before the last stage was planned")

        let resumed = try run([spec, "--db", killed, "--scale", "paper", "--jobs", "2"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try runs(killed) == runs(reference))
    }
}

/// `adam-bench run --time-limit`: only runs that fit start; at the limit the run in progress stops as
/// Ctrl-C stops it; exit 75 means "incomplete, resumable"; the resumed curve is the uninterrupted one.
@Suite(.serialized) struct TimeLimitTests {
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandLineRun {
        try AdamBenchExecutable.run(
            ["run"] + arguments + ["--data-dir", RunnerTests.dataFolder], environment: environment)
    }

    @Test func runsThatDoNotFitDoNotStart() throws {
        let dir = try temporaryDirectory()
        let spec = try StagedRunTests.writeSpec(dir)
        let db = dir.appendingPathComponent("t.sqlite").path
        // Every run is estimated at more than a second (a second of overhead each).
        let out = try run([spec, "--db", db, "--scale", "paper", "--time-limit", "1s"])
        #expect(out.status == 75, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("time limit 1 s: 5 runs left"))
        #expect(try ResultStore(path: db).runs().allSatisfy { $0.status == .pending && $0.epochsCompleted == 0 })
        let rest = try run([spec, "--db", db, "--scale", "paper", "--time-limit", "1h"])
        #expect(rest.status == 0, "a generous limit finishes every stage: \(rest.stdout)\(rest.stderr)")
        #expect(try ResultStore(path: db).runs().count == 8)
    }

    @Test func theLimitStopsARunCleanlyAndItResumesToTheSameCurve() throws {
        let dir = try temporaryDirectory()
        let spec = try RunnerTests.writeSpec(
            dir, name: "limit", model: "{name: mlp, hidden: [512, 512]}", epochs: 6, subset: 8192,
            optimizers: "  - {name: adam}", seeds: "[1]")
        let reference = dir.appendingPathComponent("reference.sqlite").path
        #expect(try run([spec, "--db", reference, "--scale", "paper"]).status == 0)
        let limited = dir.appendingPathComponent("limited.sqlite").path
        // Estimates scaled down so that the run starts; it takes longer than the limit.
        let out = try run(
            [spec, "--db", limited, "--scale", "paper", "--jobs", "1", "--time-limit", "2"],
            environment: ["ADAMBENCH_TEST_ESTIMATE_FACTOR": "0.001"])
        #expect(out.status == 75, "\(out.stdout)\(out.stderr)")
        let stopped = try #require(try ResultStore(path: limited).runs().first)
        #expect(stopped.status == .pending && stopped.epochsCompleted < 6, "released at the limit, resumable")
        #expect(try run([spec, "--db", limited, "--scale", "paper"]).status == 0)
        let a = try ResultStore(path: reference), b = try ResultStore(path: limited)
        #expect(
            try a.curveHash(runID: try #require(try a.runs().first).id)
                == b.curveHash(runID: try #require(try b.runs().first).id))
    }

    @Test func durationsParse() throws {
        let bad = try run(["x.yaml", "--db", "/nonexistent/x.sqlite", "--time-limit", "ten minutes"])
        #expect(bad.status != 0 && bad.stderr.contains("invalid for '--time-limit <duration>'"))
    }
}

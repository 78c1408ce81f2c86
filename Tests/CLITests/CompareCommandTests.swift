import Foundation
import ResultStore
import TestSupport
import Testing

/// `adam-bench compare` end to end on real runs: exit 0 for two runs of the same spec, 1 with the
/// changed run named, numerics changes reported as such, 2 with one line for bad input.
@Suite(.serialized) struct CompareCommandTests {
    static let optimizers = """
          - {name: adam, hyperparameters: {lr: 0.001}}
          - {name: nesterov, hyperparameters: {lr: 0.1}}
        """

    /// Runs a small logistic-regression spec into a fresh database, under the user's default kernel
    /// set (the OpenBLAS variables of this environment unset) unless `environment` names one.
    func record(
        _ dir: URL, _ name: String, optimizers: String = optimizers, environment: [String: String] = [:]
    ) throws -> String {
        let spec = try RunnerTests.writeSpec(
            dir, name: "cmp", epochs: 2, subset: 512, optimizers: optimizers, seeds: "[1]")
        let db = dir.appendingPathComponent("\(name).sqlite").path
        let out = try AdamBenchExecutable.run(
            ["run", spec, "--db", db, "--scale", "paper", "--data-dir", RunnerTests.dataFolder],
            environment: environment, unset: BLASKernelTests.unsetVariables.filter { environment[$0] == nil })
        #expect(out.status == 0, "\(out.stderr)")
        return db
    }

    func compare(_ arguments: [String]) throws -> CommandLineRun {
        try AdamBenchExecutable.run(["compare"] + arguments)
    }

    @Test func twoRunsOfTheSameSpecCompareIdentical() throws {
        let dir = try temporaryDirectory()
        let a = try record(dir, "a"), b = try record(dir, "b")
        let junit = dir.appendingPathComponent("compare.xml").path
        let out = try compare([a, b, "--junit", junit])
        #expect(out.status == 0, "\(out.stdout) \(out.stderr)")
        #expect(out.stdout.contains("OK: 2 runs (2 identical)"), "\(out.stdout)")
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("<testsuite name=\"cmp/paper\" tests=\"2\" failures=\"0\">"), "\(xml)")
        let json = try compare([a, b, "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["runs"] as? [[String: Any]])?.map { $0["change"] as? String } == ["identical", "identical"])
    }

    @Test func aChangedValueIsNamedAndFails() throws {
        let dir = try temporaryDirectory()
        let a = try record(dir, "a"), b = try record(dir, "b")
        let store = try ResultStore(path: b)
        let run = try #require(try store.runs().first { $0.optimizer == "nesterov" })
        let point = try #require(try store.metrics(runID: run.id, metric: .testAccuracy).last)
        try store.insertMetrics(
            [
                MetricPoint(
                    name: point.name, step: point.step, epoch: point.epoch, value: point.value + 0.01, wallSeconds: 0)
            ],
            runID: run.id)
        // test_accuracy is no selection or claim metric of this spec: compared only when asked for.
        #expect(try compare([a, b]).status == 0)
        let out = try compare([a, b, "--metrics", "train_loss,test_accuracy"])
        #expect(out.status == 1, "\(out.stdout) \(out.stderr)")
        #expect(out.stdout.contains("REGRESSION: 2 runs (1 identical, 1 moved)"), "\(out.stdout)")
        #expect(
            out.stdout.contains("nesterov {\"lr\":0.1} seed 1 | moved **regression** | `test_accuracy` epoch 2"),
            "\(out.stdout)")
    }

    @Test func aMissingRunFailsAndANewOneDoesNot() throws {
        let dir = try temporaryDirectory()
        let both = try record(dir, "both")
        let one = try record(dir, "one", optimizers: "  - {name: adam, hyperparameters: {lr: 0.001}}")
        let missing = try compare([both, one])
        #expect(missing.status == 1 && missing.stdout.contains("(1 identical, 1 missing)"), "\(missing.stdout)")
        #expect(missing.stdout.contains("nesterov {\"lr\":0.1} seed 1 | missing **regression**"), "\(missing.stdout)")
        let new = try compare([one, both])
        #expect(new.status == 0 && new.stdout.contains("(1 identical, 1 new)"), "\(new.stdout)")
    }

    /// The same spec under another kernel set (SandyBridge's kernels, which every AVX2 CPU runs):
    /// other keys, paired by identity, reported as a numerics change; the curves differ in rounding.
    @Test(.enabled(if: BLASKernelTests.expectedKernelSet != nil)) func aNumericsChangeIsPairedAndSaidSo() throws {
        let dir = try temporaryDirectory()
        let a = try record(dir, "a"), b = try record(dir, "b", environment: ["OPENBLAS_CORETYPE": "SandyBridge"])
        let out = try compare([a, b])
        #expect(out.stdout.contains("2 paired across a numerics change"), "\(out.stdout)")
        #expect(
            out.stdout.contains("(numerics changed: kernel set \(BLASKernelTests.expectedKernelSet!) -> sandybridge)"),
            "\(out.stdout)")
        let loose = try compare([a, b, "--tolerance", "1e-3"])
        #expect(loose.status == 0 && loose.stdout.contains("2 within tolerance"), "\(loose.stdout)")
    }

    @Test func badInputExitsTwoWithOneLine() throws {
        let dir = try temporaryDirectory()
        let a = try record(dir, "a")
        let text = dir.appendingPathComponent("notes.txt").path
        try "not a database".write(toFile: text, atomically: true, encoding: .utf8)
        let empty = dir.appendingPathComponent("empty.sqlite").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        let foreign = dir.appendingPathComponent("foreign.sqlite").path
        try SQLiteFile.execute("CREATE TABLE t(x)", at: foreign)
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        let cases: [([String], String)] = [
            ([dir.appendingPathComponent("missing.sqlite").path, a], "no such database file"),
            ([a, text], "not a SQLite database"),
            ([a, empty], "empty file"),
            ([foreign, a], "is not an AdamBench results database"),
            ([a, a, "--format", "yaml"], "--format: unknown format 'yaml'"),
            ([a, a, "--experiment", "nope"], "--experiment: 'nope' is not in"),
        ]
        for (arguments, message) in cases {
            let out = try compare(arguments)
            #expect(out.status == 2, "\(arguments): \(out.status) \(out.stderr)")
            let lines = out.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(message), "\(arguments): \(out.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before, "the foreign database is unchanged")
    }
}

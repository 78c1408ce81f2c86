import Foundation
import Reports
import ResultStore
import TestSupport
import Testing
import Vocabulary

@Suite struct ReportTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    func render() throws -> [String: String] {
        let dir = TestFolder.path("report")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try FixtureDatabase.make(at: dir.appendingPathComponent("fixture.sqlite").path)
        let reports = try ExperimentResults.load(from: store).map(ExperimentReport.init)
        // The fixture records no provenance, so the footer does not name this machine: goldens are portable.
        return try ReportWriter(formats: Set(ReportWriter.Format.allCases)).render(reports, store: store)
    }

    /// Every file matches its golden copy (regenerate with ADAMBENCH_UPDATE_GOLDEN=1 after a deliberate change).
    @Test func rendersTheGoldenFiles() throws {
        let files = try render()
        #expect(
            files.count == 10,
            "index, report, five CSV tables (best settings, sensitivity, comparison, curves, claims), three plots")
        if ProcessInfo.processInfo.environment["ADAMBENCH_UPDATE_GOLDEN"] == "1" {
            for (path, text) in files {
                let url = Self.golden.appendingPathComponent(path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
            }
        }
        for (path, text) in files {
            let expected = try String(contentsOf: Self.golden.appendingPathComponent(path), encoding: .utf8)
            #expect(text == expected, "\(path) differs from its golden copy")
        }
    }

    @Test func renderingIsAPureFunctionOfTheDatabase() throws {
        #expect(try render() == render())
    }

    /// A report of a tuning stage in progress counts as tried only the settings finished on every
    /// tuning seed, not the planned ones.
    @Test func theBudgetCountsOnlySettingsFinishedOnEveryTuningSeed() throws {
        let dir = TestFolder.path("report-in-progress")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try FixtureDatabase.make(at: dir.appendingPathComponent("f.sqlite").path)
        let unfinished = try #require(
            try store.runs().first { $0.label == "Fast" && $0.settingJSON == "{\"lr\":0.01}" && $0.seed == 1 })
        try store.reset(keys: [unfinished.key])
        let report = try #require(try ExperimentResults.load(from: store).map(ExperimentReport.init).first)
        let budget = try #require(report.analysis.budgets["Fast"])
        #expect(budget.settingsTried == 1 && budget.runs == 5 && !budget.isFinal, "\(budget)")
        let table = try #require(report.tables.first { $0.name == "best_settings" })
        let column = try #require(table.headers.firstIndex(of: "Settings tried"))
        let row = try #require(table.rows.first { $0[0].0 == "Fast" })
        #expect(row[column].0 == "1")
        let edge = try #require(table.headers.firstIndex(of: "Grid edge"))
        #expect(row[edge].0 == "-", "no edge is known before the selection")
    }

    /// The comparison table's divergence count is over finished runs; a run still to run is named
    /// apart, not counted in the total.
    @Test func theDivergenceCountLeavesOutRunsStillToRun() throws {
        let dir = TestFolder.path("report-to-run")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try FixtureDatabase.make(at: dir.appendingPathComponent("f.sqlite").path)
        func divergedCell() throws -> String {
            let report = try #require(try ExperimentResults.load(from: store).map(ExperimentReport.init).first)
            let table = try #require(report.tables.first { $0.name == "comparison" })
            let column = try #require(table.headers.firstIndex(of: "Diverged / finished runs"))
            return try #require(table.rows.first { $0[0].0 == "Fast" })[column].0
        }
        // Fast: lr 0.001 on seeds 1-3, lr 0.01 on seeds 1-3 with seed 2 diverged.
        #expect(try divergedCell() == "1/6")
        let unfinished = try #require(
            try store.runs().first { $0.label == "Fast" && $0.settingJSON == "{\"lr\":0.01}" && $0.seed == 1 })
        try store.reset(keys: [unfinished.key])
        #expect(try divergedCell() == "1/5 (1 to run)")
    }

    /// A completed run whose training loss ends less than 1% below its value after epoch 1 is
    /// counted as stalled in the sensitivity table, and the report says what that means; a run that
    /// kept learning is not.
    @Test func aRunThatNeverLearnedIsMarkedStalled() throws {
        let dir = TestFolder.path("report-stalled")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try FixtureDatabase.make(at: dir.appendingPathComponent("f.sqlite").path)
        func stalledCells() throws -> [String] {
            let report = try #require(try ExperimentResults.load(from: store).map(ExperimentReport.init).first)
            let table = try #require(report.tables.first { $0.name == "sensitivity" })
            let column = try #require(table.headers.firstIndex(of: "Stalled"))
            return table.rows.filter { $0[0].0 == "Slow" }.map { $0[column].0 }
        }
        #expect(try stalledCells() == ["0"])
        // Slow's seeds 1 and 2 re-recorded: a drop in epoch 1 from the initial weights' loss, then
        // one ends 0.5% below epoch 1's loss (stalled), the other 2% (learning).
        for (seed, end) in [(UInt64(1), 0.995), (2, 0.98)] {
            let run = try #require(try store.runs().first { $0.label == "Slow" && $0.seed == seed })
            try store.reset(keys: [run.key])
            try FixtureDatabase.complete(runID: run.id, trainLoss: [2.8, 2.3, 2.3, 2.3, 2.3 * end], in: store)
        }
        #expect(try stalledCells() == ["1"])
        let files = try ReportWriter(formats: [.md]).render(
            ExperimentResults.load(from: store).map(ExperimentReport.init), store: store)
        let markdown = try #require(files["fixture/paper/REPORT.md"])
        let rule = "stalled when its full-pass training loss ends less than 1% below its value after epoch 1"
        #expect(markdown.contains(rule))
    }

    @Test func verdictsCoverEveryKindAndIdenticalOptimizersAreNeverFaster() throws {
        let dir = TestFolder.path("report")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try FixtureDatabase.make(at: dir.appendingPathComponent("f.sqlite").path)
        let report = try #require(try ExperimentResults.load(from: store).map(ExperimentReport.init).first)
        let verdicts = Dictionary(uniqueKeysWithValues: report.verdicts.map { ($0.claim.id, $0) })
        #expect(verdicts["fast-better"]?.outcome == .supported)
        #expect(verdicts["slow-better"]?.outcome == .refuted)
        #expect(verdicts["twin-faster"]?.outcome != .supported)
        #expect(verdicts["twin-similar"]?.outcome == .supported)
        #expect(verdicts["noisy-similar"]?.outcome == .refuted || verdicts["noisy-similar"]?.outcome == .inconclusive)
        // The twin's paired difference is exactly zero: its interval contains 0.
        let twin = try #require(report.analysis.best["Twin"]), fast = try #require(report.analysis.best["Fast"])
        let d = Statistics.pairedDifference(
            twin.runs.map { $0.curve(.trainLoss).last! }, fast.runs.map { $0.curve(.trainLoss).last! })
        #expect(d.interval.map { $0.contains(0) } == true)
        // The diverged setting is marked and never chosen.
        #expect(report.analysis.best["Fast"]?.settingJSON == "{\"lr\":0.001}")
        #expect(report.analysis.settings["Fast"]?.first { $0.settingJSON == "{\"lr\":0.01}" }?.diverged == 1)
        // Every setting is scored on the tuning seeds; the budget counts what tuning cost.
        #expect(report.analysis.budgets["Fast"] == .init(settingsTried: 2, runs: 6, trainSeconds: 20, isFinal: true))
        #expect(
            report.analysis.edges["Fast"]?.map(\.description) == [
                "lower edge of lr, 0 extensions tried (extension limit reached)"
            ])
        // An optimizer whose only setting diverged on a seed has no selection but is still drawn.
        #expect(report.analysis.best["Shaky"] == nil)
        let svg = try #require(report.plots.first { $0.name == "training_loss" }?.plot.svg)
        #expect(svg.contains(">Shaky<") && svg.contains("1 of 3 seeds diverged") && svg.contains("not selectable"))
        #expect(svg.contains("paper (read off)") && svg.contains("seed diverged"))
    }

    @Test func csvIsRFC4180() {
        var t = Table(name: "t", headers: ["Final train loss", "Note"])
        t.add([("0.25", "0.25"), ("a, \"quoted\" note", "a, \"quoted\" note")])
        #expect(t.csv == "final_train_loss,note\r\n0.25,\"a, \"\"quoted\"\" note\"\r\n")
    }

    /// A model that records no test accuracy (the VAE) gets "-" in that column, never "NaN".
    @Test func anUnrecordedMetricIsADash() throws {
        let dir = TestFolder.path("report")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try FixtureDatabase.make(
            at: dir.appendingPathComponent("no-accuracy.sqlite").path, recordsAccuracy: false)
        let report = try #require(try ExperimentResults.load(from: store).map(ExperimentReport.init).first)
        let table = try #require(report.tables.first { $0.name == "comparison" })
        #expect(!table.markdown.contains("NaN"))
        let column = try #require(table.headers.firstIndex(of: "Final test accuracy"))
        let fast = try #require(table.rows.first { $0.first?.0 == "Fast" })
        #expect(fast[column].0 == "-" && fast[column].1 == "")
        #expect(fast[column - 1].0 != "-", "the test loss is recorded")
    }

    @Test func anIncompleteExperimentIsMarked() throws {
        let dir = TestFolder.path("report")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try FixtureDatabase.make(at: dir.appendingPathComponent("f.sqlite").path)
        let slow = try #require(try store.runs().first { $0.label == "Slow" && $0.seed == 3 })
        try store.reset(keys: [slow.key])
        let files = try ReportWriter(formats: [.md]).render(
            try ExperimentResults.load(from: store).map(ExperimentReport.init), store: store)
        #expect(files["REPORT.md"]?.contains("17/18 (incomplete)") == true)
        #expect(files["fixture/paper/REPORT.md"]?.contains("**Incomplete:** 17 of 18 runs have finished") == true)
        #expect(
            files["fixture/paper/REPORT.md"]?.contains("1 superseded run (recorded under an earlier version") == true)
    }
}

import Foundation
import Reports
import ResultStore
import TestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
import Vocabulary
#endif

/// `Comparison` on hand-made databases (the report fixture): identical databases, one value moved,
/// a status changed, a run gone, a claim's verdict flipped, the JUnit form.
@Suite struct ComparisonTests {
    func fixtures() throws -> (ResultStore, ResultStore) {
        let dir = TestFolder.path("compare")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (
            try FixtureDatabase.make(at: dir.appendingPathComponent("baseline.sqlite").path),
            try FixtureDatabase.make(at: dir.appendingPathComponent("candidate.sqlite").path)
        )
    }

    func compare(_ a: ResultStore, _ b: ResultStore, tolerance: Double = 0) throws -> Comparison {
        var options = Comparison.Options()
        options.tolerance = tolerance
        return try Comparison.compare(baseline: a, candidate: b, names: ("a", "b"), options: options)
    }

    func run(_ store: ResultStore, label: String, seed: UInt64) throws -> RunRecord {
        // Fast and Twin at lr 0.001 (their other setting has a diverged seed), Slow at its one setting.
        try #require(
            try store.runs().first {
                $0.label == label && $0.seed == seed && $0.key != "superseded"
                    && (label == "Slow" || $0.settingJSON == "{\"lr\":0.001}")
            })
    }

    @Test func identicalDatabasesCompareIdentical() throws {
        let (a, b) = try fixtures()
        let c = try compare(a, b)
        #expect(!c.regression)
        #expect(c.runs.count == 18 && c.runs.allSatisfy { $0.change == .identical && !$0.numericsChanged })
        #expect(c.experiments.flatMap(\.claims).allSatisfy { !$0.changed })
        #expect(c.summary == "OK: 18 runs (18 identical)")
    }

    @Test func aMovedValueIsReportedWithItsRunMetricAndEpoch() throws {
        let (a, b) = try fixtures()
        let target = try run(b, label: "Twin", seed: 2)
        let old = try #require(try b.metrics(runID: target.id, metric: .trainLoss).first { $0.epoch == 3 })
        try b.insertMetrics(
            [
                MetricPoint(
                    .trainLoss, step: old.step, epoch: 3, value: old.value * (1 + 1e-6), wallSeconds: 3
                )
            ],
            runID: target.id)
        let c = try compare(a, b)
        #expect(c.regression)
        let moved = c.runs.filter { $0.change == .moved }
        #expect(moved.count == 1)
        let change = try #require(moved.first)
        #expect(change.label == "Twin" && change.seed == 2 && change.setting == "{\"lr\":0.001}")
        #expect(change.largest?.metric == MetricName.trainLoss && change.largest?.epoch == 3)
        #expect(change.largest?.baseline == old.value && abs((change.largest?.relative ?? 0) - 1e-6) < 1e-9)
        #expect(c.markdown.contains("`train_loss` epoch 3"))
        // Within a looser tolerance the same change is no regression.
        let loose = try compare(a, b, tolerance: 1e-5)
        #expect(!loose.regression && loose.runs.filter { $0.change == .withinTolerance }.count == 1)
    }

    @Test func aDivergedCandidateAndAMissingRunAreRegressions() throws {
        let (a, b) = try fixtures()
        try b.finish(
            runID: try run(b, label: "Slow", seed: 1).id, status: .diverged, divergedStep: 3, lastFiniteLoss: 2)
        var c = try compare(a, b)
        let changed = try #require(c.runs.first { $0.change == .statusChanged })
        #expect(
            changed.label == "Slow" && changed.baselineStatus == "completed" && changed.candidateStatus == "diverged")
        #expect(changed.regression && c.regression)
        // The reverse (diverged -> completed) is a change, not a regression.
        #expect(!Comparison.worse(.diverged, .completed) && Comparison.worse(.completed, .failed))

        let (x, y) = try fixtures()
        try y.reset(keys: [try run(y, label: "Slow", seed: 3).key])  // back to pending, no curve
        c = try compare(x, y)
        #expect(c.runs.contains { $0.change == .statusChanged && $0.candidateStatus == "pending" && $0.regression })
        // And the other way round: runs only in the candidate are new, not a regression.
        let reverse = try compare(y, x)
        #expect(reverse.runs.contains { $0.change == .statusChanged && !$0.regression })
    }

    @Test func aFlippedClaimIsARegression() throws {
        let (a, b) = try fixtures()
        // Slow becomes the fastest optimizer: "Fast beats Slow" is no longer supported.
        for seed: UInt64 in [1, 2, 3] {
            let r = try run(b, label: "Slow", seed: seed)
            let points = (0...4).map { e in
                MetricPoint(
                    .trainLoss, step: e * 10, epoch: Double(e), value: 2.3 * pow(0.2, Double(e)),
                    wallSeconds: Double(e))
            }
            try b.insertMetrics(points, runID: r.id)
        }
        let c = try compare(a, b)
        let claims = try #require(c.experiments.first).claims
        let flipped = try #require(claims.first { $0.id == "fast-better" })
        #expect(flipped.baseline == "supported" && flipped.candidate != "supported")
        #expect(c.regression && c.experiments[0].regression)
        #expect(c.markdown.contains("claim `fast-better`: supported -> "))
        #expect(c.junit.contains("name=\"claim fast-better\">\n      <failure message=\"verdict supported -&gt; "))
    }

    @Test func aSlowdownIsARegressionOnlyBeyondTheGivenFactor() throws {
        let (a, b) = try fixtures()
        for r in try b.runs() where r.status == .completed {
            try b.recordEpoch(
                runID: r.id, metrics: [], epochsCompleted: 4, stepsCompleted: 40, trainSeconds: 6, checkpoint: nil)
        }
        #expect(try !compare(a, b).regression, "informational without --max-slowdown")
        var options = Comparison.Options()
        options.maxSlowdown = 1.4
        let c = try Comparison.compare(baseline: a, candidate: b, names: ("a", "b"), options: options)
        let e = try #require(c.experiments.first)
        #expect(e.slowdown == 1.5 && e.tooSlow && c.regression)
        #expect(
            c.junit.contains("name=\"seconds per epoch\">\n      <failure message=\"slowdown 1.5x\"/>"), "\(c.junit)")
        options.maxSlowdown = 2
        #expect(try !Comparison.compare(baseline: a, candidate: b, names: ("a", "b"), options: options).regression)
    }

    @Test func theJUnitFileIsXMLNamingItsTestCases() throws {
        let (a, b) = try fixtures()
        let xml = try compare(a, b).junit
        final class Names: NSObject, XMLParserDelegate {
            var cases: [String] = []
            func parser(
                _ p: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]
            ) {
                if e == "testcase", let name = attributes["name"] { cases.append(name) }
            }
        }
        let names = Names()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = names
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(names.cases.contains("run group Fast {\"lr\":0.001}") && names.cases.contains("claim twin-similar"))
        #expect(names.cases.count == 6 + 5)  // six run groups, five claims
    }

    /// A recorded provenance that does not decode is an error naming the run, not "not recorded".
    @Test func anUndecodableProvenanceIsAnError() throws {
        let (a, _) = try fixtures()
        let run = try run(a, label: "Slow", seed: 1)
        try a.setProvenance(runID: run.id, json: "{\"base\": {\"gitCommit\": 1}}")
        let error = #expect(throws: StoreError.self) { try ExperimentResults.load(from: a) }
        #expect(
            error?.description.contains(
                "run \(run.key.prefix(12)) (fixture Slow seed 1): its recorded provenance does not decode")
                == true, "\(String(describing: error))")
    }

    @Test func relativeDifferences() {
        #expect(Comparison.relativeDifference(1, 1) == 0)
        #expect(Comparison.relativeDifference(.nan, .nan) == 0)
        #expect(Comparison.relativeDifference(1, .nan) == .infinity)
        #expect(Comparison.relativeDifference(nil, 1) == .infinity)
        #expect(Comparison.relativeDifference(0, 0) == 0)
        #expect(abs(Comparison.relativeDifference(2, 1) - 0.5) < 1e-15)
    }
}

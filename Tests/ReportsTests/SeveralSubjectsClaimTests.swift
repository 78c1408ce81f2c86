import Experiments
import Foundation
import Reports
import ResultStore
import TestSupport
import Testing

/// Claims about several subjects ("Adam and SGD-Nesterov beat AdaGrad") on the fixture database:
/// Fast beats Slow on every seed, Twin's curves are Fast's.
@Suite struct SeveralSubjectsClaimTests {
    static let claims = """

          - {id: both-beat-slow, statement: s, relation: better, subject: [Fast, Twin], versus: [Slow]}
          - {id: one-part-fails, statement: s, relation: not-worse, subject: [Twin, Slow], versus: [Fast]}
          - {id: both-positive, statement: s, relation: at-least, subject: [Fast, Slow], metric: train_loss, target: 0}
          - {id: both-everywhere, statement: s, relation: not-worse, subject: [Twin, Fast], versus: [Slow], settings: every}
        """

    func verdicts() throws -> [String: ClaimVerdict] {
        let dir = TestFolder.path("several-subjects")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try FixtureDatabase.make(at: dir.appendingPathComponent("fixture.sqlite").path)
        let analysis = Analysis(try #require(try ExperimentResults.load(from: store).first))
        let spec = try SpecParser.parse(FixtureDatabase.spec + Self.claims, file: "fixture.yaml")
        return Dictionary(
            uniqueKeysWithValues: spec.claims.filter { $0.subjects.count > 1 }.map {
                ($0.id, ClaimEvaluator.evaluate($0, in: analysis))
            })
    }

    @Test func aSingleSubjectParsesAsAListOfOne() throws {
        let spec = try SpecParser.parse(FixtureDatabase.spec, file: "fixture.yaml")
        #expect(spec.claims.first { $0.id == "fast-better" }?.subjects == ["Fast"])
    }

    @Test func everySubjectSupportedSupportsTheClaim() throws {
        let v = try #require(try verdicts()["both-beat-slow"])
        #expect(v.outcome == .supported, "\(v.evidence)")
        #expect(v.evidence.filter { $0.hasPrefix("Fast vs Slow: train_loss") }.count == 1, "\(v.evidence)")
        #expect(v.evidence.filter { $0.hasPrefix("Twin vs Slow: train_loss") }.count == 1, "\(v.evidence)")
    }

    @Test func oneSubjectRefutedRefutesTheClaim() throws {
        // Twin is Fast's copy (not worse: supported); Slow is worse than Fast (refuted).
        let v = try #require(try verdicts()["one-part-fails"])
        #expect(v.outcome == .refuted, "\(v.evidence)")
        #expect(
            v.evidence.contains { $0.hasPrefix("Twin vs Fast:") }
                && v.evidence.contains { $0.hasPrefix("Slow vs Fast:") })
    }

    @Test func atLeastJudgesEachSubject() throws {
        let v = try #require(try verdicts()["both-positive"])
        #expect(v.outcome == .supported, "\(v.evidence)")
        #expect(v.evidence.map { String($0.prefix(5)) } == ["Fast:", "Slow:"], "\(v.evidence)")
    }

    @Test func everySettingPairsEachSubjectWithEachOther() throws {
        let v = try #require(try verdicts()["both-everywhere"])
        #expect(v.evidence.contains { $0.hasPrefix("Twin vs Slow at every setting") }, "\(v.evidence)")
        #expect(v.evidence.contains { $0.hasPrefix("Fast vs Slow at every setting") }, "\(v.evidence)")
    }
}

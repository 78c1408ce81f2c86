import Experiments
import Foundation
import Reports
import ResultStore
import TestSupport
import Testing

/// Claims with `settings: every` on the fixture database: Twin's curves are Fast's, setting by
/// setting, except that Fast's lr 0.01 diverged on seed 2 (Twin's did not); Slow's grid is lr 0.1.
@Suite struct EverySettingClaimTests {
    static let claims = """

          - {id: twin-not-worse-at-lr-0.001, statement: s, relation: not-worse, subject: Twin, versus: [Fast], settings: every, where: {lr: 0.001}}
          - {id: twin-not-worse, statement: s, relation: not-worse, subject: Twin, versus: [Fast], settings: every}
          - {id: fast-not-worse, statement: s, relation: not-worse, subject: Fast, versus: [Twin], settings: every}
          - {id: twin-similar-everywhere, statement: s, relation: similar, subject: Twin, versus: [Fast], settings: every}
          - {id: fast-vs-slow, statement: s, relation: not-worse, subject: Fast, versus: [Slow], settings: every}
          - {id: no-match, statement: s, relation: not-worse, subject: Twin, versus: [Fast], settings: every, where: {lr: 0.5}}
        """

    func verdicts() throws -> [String: ClaimVerdict] {
        let dir = TestFolder.path("every-setting")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try FixtureDatabase.make(at: dir.appendingPathComponent("fixture.sqlite").path)
        let results = try #require(try ExperimentResults.load(from: store).first)
        let analysis = Analysis(results)
        let spec = try SpecParser.parse(FixtureDatabase.spec + Self.claims, file: "fixture.yaml")
        return Dictionary(
            uniqueKeysWithValues: spec.claims.filter { $0.settings == .every }.map {
                ($0.id, ClaimEvaluator.evaluate($0, in: analysis))
            })
    }

    @Test func identicalSettingsOnThreeSeedsAreNotWorse() throws {
        let v = try #require(try verdicts()["twin-not-worse-at-lr-0.001"])
        #expect(v.outcome == .supported)
        #expect(
            v.evidence.first?.hasPrefix("Twin vs Fast at every setting (paired on lr; where lr = 0.001): 1 pair")
                == true,
            "\(v.evidence)")
    }

    @Test func aPairWithTooFewUndivergedSeedsDecidesNothing() throws {
        // lr 0.01: Fast diverged on seed 2, so the pair has two comparable seeds; lr 0.001 is supported.
        let v = try #require(try verdicts()["twin-not-worse"])
        #expect(v.outcome == .inconclusive)
        #expect(v.evidence.contains { $0.contains("only Fast diverged at 1, only Twin at 0") }, "\(v.evidence)")
        #expect(v.evidence.contains { $0.hasPrefix("only Fast diverged at: lr=0.01") }, "\(v.evidence)")
    }

    @Test func theSubjectDivergingWhereTheOtherDidNotRefutes() throws {
        let v = try #require(try verdicts()["fast-not-worse"])
        #expect(v.outcome == .refuted)
        #expect(v.evidence.contains { $0.hasPrefix("only Fast diverged at: lr=0.01") }, "\(v.evidence)")
    }

    @Test func oneSideDivergingIsNotSimilar() throws {
        #expect(try verdicts()["twin-similar-everywhere"]?.outcome == .refuted)
    }

    @Test func gridsThatDoNotPairAreInconclusive() throws {
        let verdicts = try verdicts()
        let slow = try #require(verdicts["fast-vs-slow"])
        #expect(slow.outcome == .inconclusive)
        #expect(slow.evidence.first?.hasSuffix("no setting of Fast has a counterpart in Slow's grid") == true)
        let none = try #require(verdicts["no-match"])
        #expect(none.outcome == .inconclusive)
        #expect(none.evidence.first?.hasSuffix("no setting of Twin matches") == true)
    }
}

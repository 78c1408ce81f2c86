import Experiments
import Reports
import Testing

/// Each claim relation's rule on hand-made intervals (`ClaimEvaluator.outcome`): the boundaries of
/// supported, refuted and inconclusive as the evaluator's doc comment states them.
@Suite struct ClaimRelationTests {
    typealias Outcome = ClaimVerdict.Outcome

    static func outcome(
        _ relation: ClaimSpec.Relation, _ low: Double, _ high: Double, band: Double = 0.1,
        range: ClosedRange<Double>? = nil
    ) -> Outcome {
        ClaimEvaluator.outcome(relation, low: low, high: high, band: band, range: range)
    }

    /// `better`: the whole interval below -t supports; a lower end above -t refutes.
    @Test func better() {
        #expect(Self.outcome(.better, -0.5, -0.2) == .supported)
        #expect(Self.outcome(.better, -0.5, -0.1) == .inconclusive)  // touches -t
        #expect(Self.outcome(.better, -0.05, 0.3) == .refuted)
        #expect(Self.outcome(.better, -0.3, 0.3) == .inconclusive)
    }

    /// `not-worse`: below +t (inclusive) supports; a lower end above +t refutes.
    @Test func notWorse() {
        #expect(Self.outcome(.notWorse, -0.3, 0.1) == .supported)
        #expect(Self.outcome(.notWorse, 0.05, 0.2) == .inconclusive)
        #expect(Self.outcome(.notWorse, 0.11, 0.2) == .refuted)
    }

    /// `similar`: inside [-t, +t] supports; wholly outside on either side refutes.
    @Test func similar() {
        #expect(Self.outcome(.similar, -0.1, 0.1) == .supported)
        #expect(Self.outcome(.similar, -0.2, 0.05) == .inconclusive)
        #expect(Self.outcome(.similar, 0.15, 0.3) == .refuted)
        #expect(Self.outcome(.similar, -0.3, -0.15) == .refuted)
        #expect(Self.outcome(.similar, 0, 0, band: 0) == .supported)
    }

    /// `faster`: a difference wholly below 0 supports; a lower end at or above 0 refutes; the
    /// tolerance band plays no part.
    @Test func faster() {
        #expect(Self.outcome(.faster, -3, -1, band: 5) == .supported)
        #expect(Self.outcome(.faster, 0, 2) == .refuted)
        #expect(Self.outcome(.faster, -1, 0) == .inconclusive)
        // One seed pair with no interval: the mean decides either way.
        #expect(Self.outcome(.faster, -1, -1) == .supported && Self.outcome(.faster, 0, 0) == .refuted)
    }

    /// `cost-ratio`: inside the range supports, wholly outside refutes, straddling an end does not decide.
    @Test func costRatio() {
        #expect(Self.outcome(.costRatio, 5, 10, range: 5...10) == .supported)
        #expect(Self.outcome(.costRatio, 4, 6, range: 5...10) == .inconclusive)
        #expect(Self.outcome(.costRatio, 11, 12, range: 5...10) == .refuted)
        #expect(Self.outcome(.costRatio, 1, 4.9, range: 5...10) == .refuted)
        #expect(Self.outcome(.costRatio, 6, 7) == .inconclusive)  // no range: nothing to judge by
    }

    /// A non-finite end (a run whose metric is NaN) never decides.
    @Test(arguments: ClaimSpec.Relation.allCases)
    func aNonFiniteIntervalIsInconclusive(relation: ClaimSpec.Relation) {
        #expect(Self.outcome(relation, .nan, 1, range: 1...2) == .inconclusive)
        #expect(Self.outcome(relation, -.infinity, -1, range: 1...2) == .inconclusive)
    }
}

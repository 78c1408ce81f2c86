import Experiments
import Plan
import Testing

/// `Pace`: measured over estimated epoch seconds, the model alone until a minute is measured, and
/// the expected remaining time of a run at that pace.
@Suite struct PaceTests {
    static func run(epochs: Int = 10) throws -> PlannedRun {
        try CostModelTests.runs(model: CostModelTests.mlp, optimizers: CostModelTests.adam, epochs: epochs)[0]
    }

    @Test func theModelAloneUntilAMinuteIsMeasured() throws {
        let pace = Pace()
        #expect(pace.factor == 1)
        pace.record(measured: 59, estimated: 10)
        #expect(pace.factor == 1, "59 s of evidence is not enough")
        pace.record(measured: 1, estimated: 10)
        #expect(pace.factor == 3, "60 s measured against 20 s estimated")
    }

    @Test func theFactorIsTheRatioOfTheSums() throws {
        let pace = Pace()
        // A slow epoch and a fast one of different runs: sums, not a mean of ratios.
        pace.record(measured: 90, estimated: 30)
        pace.record(measured: 10, estimated: 70)
        #expect(pace.factor == 1)
        pace.record(measured: 100, estimated: 0)
        pace.record(measured: -1, estimated: 5)
        pace.record(measured: .nan, estimated: 5)
        pace.record(measured: 5, estimated: .infinity)
        #expect(pace.factor == 1 && pace.measuredSeconds == 100, "unusable records are ignored")
    }

    @Test func theExpectedRemainderScalesTheModelByThePaceAndTheEpochsLeft() throws {
        let run = try Self.run(epochs: 10)
        let model = CostModel.estimatedSeconds(run)
        #expect(abs(Pace.estimatedEpochSeconds(run) * 10 - model) < 1e-9 * model)
        let pace = Pace()
        #expect(pace.expectedSeconds(run, epochsDone: 0) == model)
        pace.record(measured: 160, estimated: 100)
        #expect(abs(pace.expectedSeconds(run, epochsDone: 0) - 1.6 * model) < 1e-9 * model)
        #expect(abs(pace.expectedSeconds(run, epochsDone: 4) - 1.6 * model * 0.6) < 1e-9 * model)
        #expect(pace.expectedSeconds(run, epochsDone: 12) == 0, "a run past its epochs has nothing left")
    }
}

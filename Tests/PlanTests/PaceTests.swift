import Experiments
import Plan
import Testing

/// `Pace`: measured over estimated epoch seconds, the model alone until a minute is measured, kept
/// per optimizer with the overall ratio as the fallback, and the expected remaining time of a run.
@Suite struct PaceTests {
    static func runs(epochs: Int = 10) throws -> [PlannedRun] {
        let optimizers = CostModelTests.adam + "\n  - {name: adagrad, label: AdaGrad, hyperparameters: {lr: 0.01}}"
        return try CostModelTests.runs(model: CostModelTests.mlp, optimizers: optimizers, epochs: epochs)
    }

    @Test func theModelAloneUntilAMinuteIsMeasured() throws {
        let pace = Pace()
        #expect(pace.factor == 1)
        pace.record(measured: 59, estimated: 10, group: "a")
        #expect(pace.factor == 1 && pace.factor(group: "a") == 1, "59 s of evidence is not enough")
        pace.record(measured: 1, estimated: 10, group: "a")
        #expect(pace.factor == 3 && pace.factor(group: "a") == 3, "60 s measured against 20 s estimated")
    }

    @Test func aPaceOfWholeRunsNeedsNoEvidenceFloor() throws {
        let pace = Pace(evidenceSeconds: 0)
        #expect(pace.factor == 1 && pace.ratio(group: "a") == nil, "nothing recorded: the model alone")
        pace.record(measured: 2, estimated: 1, group: "a")
        pace.record(measured: 1, estimated: 4, group: "b")
        #expect(pace.ratio(group: "a") == 2 && pace.ratio(group: "b") == 0.25)
        #expect(pace.factor == 0.6 && pace.factor(group: "c") == 0.6, "an unseen group: the overall ratio")
        #expect(Pace().ratio(group: "a") == nil)
    }

    @Test func theFactorIsTheRatioOfTheSums() throws {
        let pace = Pace()
        // A slow epoch and a fast one: sums, not a mean of ratios.
        pace.record(measured: 90, estimated: 30, group: "a")
        pace.record(measured: 10, estimated: 70, group: "a")
        #expect(pace.factor == 1)
        pace.record(measured: 100, estimated: 0, group: "a")
        pace.record(measured: -1, estimated: 5, group: "a")
        pace.record(measured: .nan, estimated: 5, group: "a")
        pace.record(measured: 5, estimated: .infinity, group: "a")
        #expect(pace.factor == 1 && pace.measuredSeconds == 100, "unusable records are ignored")
    }

    @Test func aGroupUsesItsOwnRatioOnceItHasEvidenceElseTheOverallOne() throws {
        let pace = Pace()
        pace.record(measured: 300, estimated: 100, group: "slow")
        pace.record(measured: 30, estimated: 30, group: "fast")
        #expect(pace.factor(group: "slow") == 3)
        #expect(pace.factor(group: "fast") == 330.0 / 130, "30 s is too little: the overall ratio")
        #expect(pace.factor(group: "new") == 330.0 / 130)
        pace.record(measured: 30, estimated: 30, group: "fast")
        #expect(pace.factor(group: "fast") == 1)
    }

    @Test func theExpectedRemainderScalesTheModelByItsGroupsPaceAndTheEpochsLeft() throws {
        let runs = try Self.runs(epochs: 10)
        let adam = try #require(runs.first { $0.label != "AdaGrad" })
        let adagrad = try #require(runs.first { $0.label == "AdaGrad" })
        #expect(Pace.group(adam) != Pace.group(adagrad))
        let model = CostModel.estimatedSeconds(adam)
        #expect(abs(Pace.estimatedEpochSeconds(adam) * 10 - model) < 1e-9 * model)
        let pace = Pace()
        #expect(pace.expectedSeconds(adam, epochsDone: 0) == model)
        pace.record(measured: 160, estimated: 100, group: Pace.group(adam))
        #expect(abs(pace.expectedSeconds(adam, epochsDone: 0) - 1.6 * model) < 1e-9 * model)
        #expect(abs(pace.expectedSeconds(adam, epochsDone: 4) - 1.6 * model * 0.6) < 1e-9 * model)
        #expect(pace.expectedSeconds(adam, epochsDone: 12) == 0, "a run past its epochs has nothing left")
        pace.record(measured: 100, estimated: 100, group: Pace.group(adagrad))
        let adagradModel = CostModel.estimatedSeconds(adagrad)
        #expect(abs(pace.expectedSeconds(adagrad, epochsDone: 0) - adagradModel) < 1e-9 * adagradModel)
    }
}

import Experiments
import Foundation
import Optimizers
import Plan
import Testing

/// The tuning protocol as a pure function of outcomes: stages, edge extensions, their limits.
@Suite struct StagedPlanTests {
    /// A logistic-regression spec with one optimizer whose learning rate is a 1-3-10 grid.
    static func spec(
        tuning: String, grid: String = "[0.001, 0.003, 0.01]", scales: String = ""
    ) throws
        -> ExperimentSpec
    {
        try SpecParser.parse(
            """
            name: staged
            data: {dataset: mnist}
            model: {name: logistic-regression}
            training: {epochs: 2, batch-size: 16, seeds: [1, 2, 3]}
            optimizers:
              - {name: adam, label: Adam, hyperparameters: {lr: \(grid)}}
              - {name: sgd, label: SGD, hyperparameters: {lr: [0.1, 0.3, 1.0]}}
            \(tuning)
            \(scales)
            """, file: "staged.yaml")
    }

    /// Outcomes from a score per (label, lr): every run of a setting scores the same; nil = not run.
    static func resolve(
        _ spec: ExperimentSpec, scale: String = "paper", scores: [String: [Double: Double?]],
        finishedSeeds: Set<UInt64> = [1, 2, 3]
    ) throws -> StagedPlan {
        // Settings by key, from the plan's own runs, so the outcome function sees what it plans.
        var byKey: [String: (String, Double, UInt64)] = [:]
        var plan = try StagedPlan.resolve(
            spec, scale: scale, datasetFingerprint: "f", blasKernels: "haswell", outcome: { _ in nil })
        // Resolve to a fixed point: each pass may add runs whose outcomes the table knows.
        for _ in 0..<20 {
            for run in plan.runs { byKey[run.key] = (run.label, run.configuration.learningRate ?? .nan, run.seed) }
            let next = try StagedPlan.resolve(spec, scale: scale, datasetFingerprint: "f", blasKernels: "haswell") {
                key in
                guard let (label, lr, seed) = byKey[key], finishedSeeds.contains(seed),
                    let entry = scores[label]?[lr], let score = entry
                else {
                    return nil
                }
                return score.isFinite ? .completed(score: score) : .diverged
            }
            if next.runs.map(\.key) == plan.runs.map(\.key) { return next }
            plan = next
        }
        return plan
    }

    static func rates(_ o: OptimizerStages) -> [Double] { o.points.map { $0.setting["lr"]!.number! } }

    @Test func withoutABlockEverySettingRunsOnEverySeed() throws {
        let spec = try Self.spec(tuning: "tuning: {max-extensions: 0}")
        let plan = try Self.resolve(spec, scores: ["Adam": [0.001: 3, 0.003: 2, 0.01: 1], "SGD": [:]])
        let adam = plan.optimizers[0]
        #expect(adam.points.count == 3 && adam.points.allSatisfy { $0.runs.map(\.seed) == [1, 2, 3] })
        #expect(adam.confirmRuns.isEmpty && adam.phase == .done)
        #expect(adam.evidenceRuns.map(\.seed) == [1, 2, 3])
        // SGD has not finished, but nothing can be added to its plan: no confirm stage, no extensions.
        #expect(plan.optimizers[1].phase == .tuning && plan.isDecided)
    }

    @Test func theConfirmStageFollowsTheTuningSeedsSelection() throws {
        let spec = try Self.spec(tuning: "tuning: {seeds: [1], confirm-seeds: [1, 2, 3], max-extensions: 0}")
        // Before anything finished: the grid on seed 1 only, the confirm stage undecided.
        let start = try StagedPlan.resolve(
            spec, scale: "paper", datasetFingerprint: "f", blasKernels: "haswell", outcome: { _ in nil })
        #expect(start.runs.count == 6 && start.runs.allSatisfy { $0.seed == 1 && $0.stage == .grid })
        #expect(start.optimizers.allSatisfy { $0.phase == .tuning && $0.confirmRuns.isEmpty })
        #expect(!start.isDecided)
        // The middle rate selects: confirm runs for it on seeds 2 and 3; seed 1's run is reused.
        let scores: [String: [Double: Double?]] = ["Adam": [0.001: 3, 0.003: 1, 0.01: 2], "SGD": [:]]
        let plan = try Self.resolve(spec, scores: scores, finishedSeeds: [1])
        let adam = plan.optimizers[0]
        #expect(adam.selected?.setting["lr"] == .number(0.003))
        #expect(adam.confirmRuns.map(\.seed) == [2, 3] && adam.confirmRuns.allSatisfy { $0.stage == .confirm })
        #expect(adam.evidenceRuns.map(\.seed) == [1, 2, 3])
        #expect(adam.evidenceRuns[0].key == adam.selected?.runs[0].key)
        #expect(adam.phase == .confirming && adam.edges.isEmpty)
        #expect(try Self.resolve(spec, scores: scores).optimizers[0].phase == .done)
        // Keys do not depend on the stage: the grid's seed-1 run is the same run as before.
        #expect(Set(start.runs.map(\.key)).isSubset(of: Set(plan.runs.map(\.key))))
    }

    @Test func confirmSeedsWithoutTheTuningSeedJudgeAlone() throws {
        let spec = try Self.spec(tuning: "tuning: {seeds: [1], confirm-seeds: [2, 3], max-extensions: 0}")
        let plan = try Self.resolve(spec, scores: ["Adam": [0.001: 3, 0.003: 1, 0.01: 2], "SGD": [:]])
        #expect(plan.optimizers[0].evidenceRuns.map(\.seed) == [2, 3])
        #expect(plan.tuning.evidenceSeeds == [2, 3])
    }

    @Test func aSelectionAtTheUpperEdgeExtendsTheGridAlongItsPattern() throws {
        let spec = try Self.spec(tuning: "tuning: {seeds: [1], max-extensions: 5}")
        // The loss falls up to lr 0.1 and rises beyond: two extensions (0.03, 0.1), then 0.3 is worse.
        let plan = try Self.resolve(
            spec, scores: ["Adam": [0.001: 5, 0.003: 4, 0.01: 3, 0.03: 2, 0.1: 1, 0.3: 1.5], "SGD": [:]])
        let adam = plan.optimizers[0]
        #expect(Self.rates(adam) == [0.001, 0.003, 0.01, 0.03, 0.1, 0.3])
        #expect(adam.points.map(\.stage) == [.grid, .grid, .grid, .extension, .extension, .extension])
        #expect(adam.selected?.setting["lr"] == .number(0.1) && adam.edges.isEmpty && adam.phase == .done)
    }

    @Test func theLowerEdgeExtendsDownwards() throws {
        let spec = try Self.spec(tuning: "tuning: {seeds: [1]}")
        let plan = try Self.resolve(
            spec, scores: ["Adam": [0.001: 1, 0.003: 2, 0.01: 3, 0.0003: 0.5, 0.0001: 0.7], "SGD": [:]])
        #expect(Self.rates(plan.optimizers[0]) == [0.001, 0.003, 0.01, 0.0003, 0.0001])
        #expect(plan.optimizers[0].selected?.setting["lr"] == .number(0.0003))
    }

    @Test func aDivergedValueBeyondTheEdgeClosesThatSide() throws {
        let spec = try Self.spec(tuning: "tuning: {seeds: [1], max-extensions: 5}")
        let plan = try Self.resolve(
            spec, scores: ["Adam": [0.001: 3, 0.003: 2, 0.01: 1, 0.03: .infinity], "SGD": [:]])
        let adam = plan.optimizers[0]
        #expect(Self.rates(adam) == [0.001, 0.003, 0.01, 0.03])
        #expect(adam.selected?.setting["lr"] == .number(0.01))
        #expect(adam.edges.isEmpty, "the edge is real: the next value diverged")
    }

    @Test func theExtensionLimitIsReportedAtTheEdge() throws {
        let spec = try Self.spec(tuning: "tuning: {seeds: [1], max-extensions: 2}")
        let plan = try Self.resolve(
            spec, scores: ["Adam": [0.001: 5, 0.003: 4, 0.01: 3, 0.03: 2, 0.1: 1], "SGD": [:]])
        let adam = plan.optimizers[0]
        #expect(Self.rates(adam) == [0.001, 0.003, 0.01, 0.03, 0.1])
        #expect(adam.selected?.setting["lr"] == .number(0.1))
        #expect(
            adam.edges == [
                EdgeStatus(axis: "lr", side: .upper, extensionsTried: 2, reason: .capReached, spacing: .geometric)
            ])
        #expect(adam.edges[0].description == "upper edge of lr, 2 extensions tried (extension limit reached)")
    }

    @Test func aLinearAxisIsFlaggedNotExtended() throws {
        let spec = try Self.spec(tuning: "tuning: {seeds: [1]}", grid: "[0.001, 0.002, 0.003]")
        let plan = try Self.resolve(spec, scores: ["Adam": [0.001: 3, 0.002: 2, 0.003: 1], "SGD": [:]])
        let adam = plan.optimizers[0]
        #expect(adam.points.count == 3 && adam.selected?.setting["lr"] == .number(0.003))
        #expect(adam.edges.map(\.reason) == [.notExtendable] && adam.edges[0].spacing == .linear)
    }

    @Test func aScaleWithItsOwnSeedsRunsEverySettingOnThem() throws {
        let spec = try Self.spec(
            tuning: "tuning: {seeds: [1], confirm-seeds: [1, 2, 3]}", scales: "scales: {quick: {seeds: [7]}}")
        let quick = try StagedPlan.resolve(
            spec, scale: "quick", datasetFingerprint: "f", blasKernels: "haswell", outcome: { _ in nil })
        #expect(!quick.tuning.isStaged && quick.tuning.seeds == [7])
        let paper = try StagedPlan.resolve(
            spec, scale: "paper", datasetFingerprint: "f", blasKernels: "haswell", outcome: { _ in nil })
        #expect(paper.tuning.isStaged && paper.tuning.seeds == [1])
    }

    @Test func spacingAndTheStepBeyond() {
        #expect(AxisSpacing([0.001, 0.003, 0.01, 0.03]) == .geometric)
        #expect(AxisSpacing([1, 10, 100]) == .geometric)
        #expect(AxisSpacing([0.99, 0.999, 0.9999]) == .irregular)
        #expect(AxisSpacing([0.1, 0.2, 0.3]) == .linear)
        #expect(AxisSpacing.beyond([0.001, 0.003, 0.01, 0.03], upward: true) == 0.1)
        #expect(AxisSpacing.beyond([0.001, 0.003, 0.01, 0.03, 0.1], upward: true) == 0.3)
        #expect(AxisSpacing.beyond([0.001, 0.003, 0.01, 0.03], upward: false) == 0.0003)
        #expect(AxisSpacing.beyond([0.3, 1], upward: true) == 3)
        #expect(AxisSpacing.beyond([1, 2], upward: true) == 4)
        #expect(AxisSpacing.beyond([1e-5, 3.1623e-5, 1e-4], upward: true) == 3.1623e-4)
    }

    @Test func anUnknownExtendedAxisIsASpecProblem() throws {
        #expect(throws: SpecProblems.self) { try Self.spec(tuning: "tuning: {extend: [learning-rate]}") }
    }
}

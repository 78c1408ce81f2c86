import Datasets
import DeterministicRandom
import Experiments
import Foundation
import Plan
import ResultStore
import TestSupport
import Testing
import Vocabulary

@testable import Runner

/// `TrainingRun` on in-memory data and a real store: the evaluation schedule, divergence, and resume
/// from an interruption to the same bits as a run that never stopped.
@Suite struct TrainingRunTests {
    /// 10 classes of 784-pixel images, each class a bump on its own pixels plus seeded noise.
    static func images(_ count: Int, seed: UInt64, name: String) -> ImageSet {
        var rng = Xoshiro256(seed: seed, stream: "fixture")
        let labels = (0..<count).map { Int32($0 % 10) }
        var pixels = [Float](repeating: 0, count: count * 784)
        for i in 0..<count {
            for p in 0..<784 { pixels[i * 784 + p] = Float(rng.nextUnit()) * 0.5 }
            for p in 0..<78 { pixels[i * 784 + Int(labels[i]) * 78 + p] += 0.5 }
        }
        return ImageSet(
            name: name, channels: 1, height: 28, width: 28, classCount: 10, pixels: pixels, labels: labels,
            fingerprint: name)
    }

    static let data = TrainingData.images(
        train: images(96, seed: 1, name: "fixture/train"), test: images(40, seed: 2, name: "fixture/test"))

    static func plan(
        optimizer: String = "{name: adam, hyperparameters: {lr: 0.01}}", epochs: Int = 3
    ) throws
        -> PlannedRun
    {
        let spec = try SpecParser.parse(
            """
            name: unit
            data: {dataset: mnist}
            model: {name: logistic-regression}
            training: {epochs: \(epochs), batch-size: 16, seeds: [7], divergence-threshold: 100}
            optimizers:
              - \(optimizer)
            """, file: "unit.yaml")
        return try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "f", blasKernels: "haswell")[0]
    }

    /// `plan` registered in `store` (with its experiment) and claimed.
    static func claimed(_ plan: PlannedRun, in store: ResultStore) throws -> RunRecord {
        _ = try store.registerExperiment(name: plan.experiment, title: "unit", specPath: "unit.yaml", specText: "")
        try store.ensureRuns([plan.newRun()])
        return try #require(try store.claimNext(keys: [plan.key], owner: "unit:1", isStale: { _, _ in false }))
    }

    static func train(
        _ plan: PlannedRun, _ record: RunRecord, _ store: ResultStore, cancellation: Cancellation = Cancellation(),
        progress: @escaping (Int, Double) -> Void = { _, _ in }
    ) throws -> RunOutcome {
        try TrainingRun(
            run: record, plan: plan, data: data, store: store, cancellation: cancellation, progress: progress
        ).execute()
    }

    @Test func everyEpochEndIsEvaluatedFromEpochZero() throws {
        let folder = try TestFolder.make("training-run")
        let store = try ResultStore(path: folder.appendingPathComponent("a.sqlite").path)
        let plan = try Self.plan()
        var reported: [Int] = []
        let outcome = try Self.train(plan, try Self.claimed(plan, in: store), store) { epoch, _ in
            reported.append(epoch)
        }
        #expect(outcome == .completed && reported == [1, 2, 3])
        let record = try #require(try store.runs(keys: [plan.key]).first)
        for metric in [MetricName.trainLoss, .testLoss, .testAccuracy, .trainAccuracy] {
            let points = try store.metrics(runID: record.id, metric: metric)
            #expect(points.map(\.epoch) == [0, 1, 2, 3], "\(metric)")
            // Epoch e's evaluation follows the steps of e epochs of 96 / 16 = 6 minibatches.
            #expect(points.map(\.step) == [0, 6, 12, 18], "\(metric)")
        }
        let losses = try store.metrics(runID: record.id, metric: .trainLoss).map(\.value)
        #expect(losses.last! < losses.first!, "Adam does not lower the training loss: \(losses)")
    }

    @Test func aRunAboveTheThresholdDivergesAtItsStep() throws {
        let folder = try TestFolder.make("training-run")
        let store = try ResultStore(path: folder.appendingPathComponent("d.sqlite").path)
        let plan = try Self.plan(optimizer: "{name: sgd, hyperparameters: {lr: 1.0e+6}}")
        let outcome = try Self.train(plan, try Self.claimed(plan, in: store), store)
        guard case .diverged(let step, let last) = outcome else {
            Issue.record("sgd at lr 1e6 ended \(outcome)")
            return
        }
        // Within the first epoch: the first step's loss is the untrained one (about ln 10), finite.
        #expect(step >= 2 && step <= 6)
        let lastFinite = try #require(last)
        #expect(lastFinite.isFinite && lastFinite < 100)
    }

    @Test func anInterruptedRunResumesToTheSameBits() throws {
        let folder = try TestFolder.make("training-run")
        let plan = try Self.plan()
        let straight = try ResultStore(path: folder.appendingPathComponent("straight.sqlite").path)
        let record = try Self.claimed(plan, in: straight)
        #expect(try Self.train(plan, record, straight) == .completed)
        try straight.finish(runID: record.id, status: .completed)

        let resumed = try ResultStore(path: folder.appendingPathComponent("resumed.sqlite").path)
        let cancellation = Cancellation()
        let first = try Self.claimed(plan, in: resumed)
        let stopped = try Self.train(plan, first, resumed, cancellation: cancellation) { epoch, _ in
            if epoch == 1 { cancellation.cancel() }
        }
        #expect(stopped == .interrupted)
        try resumed.release(runID: first.id)
        let again = try #require(
            try resumed.claimNext(keys: [plan.key], owner: "unit:2", isStale: { _, _ in false }))
        #expect(again.epochsCompleted == 1)
        #expect(try Self.train(plan, again, resumed) == .completed)
        try resumed.finish(runID: again.id, status: .completed)
        #expect(try straight.curveHash(runID: record.id) == resumed.curveHash(runID: again.id))
    }
}

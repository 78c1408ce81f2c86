import Experiments
import Foundation
import Plan
import ResultStore
import Vocabulary

/// A small results database written through the store's API: three optimizers over three seeds with
/// synthetic but fully specified curves, one diverged setting, and an exact copy of one optimizer
/// ("Twin"), and an optimizer whose only setting diverged on one seed after two epochs ("Shaky": never
/// selected, still drawn), so that every table, plot and verdict kind is exercised.
enum FixtureDatabase {
    static let spec = """
        name: fixture
        title: Fixture experiment
        paper: {section: "0", figure: "none", values: {Fast: [[4, 0.15]], Slow: [[4, 0.9]]}}
        data: {dataset: mnist}
        model: {name: logistic-regression}
        training: {epochs: 4, batch-size: 10, seeds: [1, 2, 3]}
        tuning: {max-extensions: 0}
        optimizers:
          - {name: adam, label: Fast, hyperparameters: {lr: [0.001, 0.01]}}
          - {name: sgd, label: Slow, hyperparameters: {lr: 0.1}}
          - {name: adam, label: Twin, hyperparameters: {lr: [0.001, 0.01]}}
          - {name: sgd, label: Shaky, hyperparameters: {lr: 0.05}}
        claims:
          - {id: fast-better, statement: "Fast beats Slow", relation: better, subject: Fast, versus: [Slow]}
          - {id: slow-better, statement: "Slow beats Fast", relation: better, subject: Slow, versus: [Fast]}
          - {id: twin-faster, statement: "Twin is faster than Fast", relation: faster, subject: Twin, versus: [Fast]}
          - {id: twin-similar, statement: "Twin is similar to Fast", relation: similar, subject: Twin, versus: [Fast], tolerance: 0.01}
          - {id: noisy-similar, statement: "Fast is similar to Slow within 30%", relation: similar, subject: Fast, versus: [Slow], tolerance: 0.3}
        """

    /// Train loss at epoch e for a setting: base * decay^e, perturbed per seed.
    static func curve(base: Double, decay: Double, seed: UInt64) -> [Double] {
        (0...4).map { e in base * pow(decay, Double(e)) * (1 + 0.01 * Double(seed) * Double(e) / 4) }
    }

    /// Records `trainLoss` (one value per epoch, from epoch 0) as a pending run's curve and
    /// finishes it as completed after 4 epochs.
    static func complete(runID: Int64, trainLoss: [Double], in store: ResultStore) throws {
        try store.insertMetrics(
            trainLoss.enumerated().map { e, loss in
                MetricPoint(.trainLoss, step: e * 10, epoch: Double(e), value: loss, wallSeconds: Double(e))
            }, runID: runID)
        try store.recordEpoch(
            runID: runID, metrics: [], epochsCompleted: 4, stepsCompleted: 40, trainSeconds: 4, checkpoint: nil)
        try store.finish(runID: runID, status: .completed)
    }

    /// The fixture database; `recordsAccuracy: false` leaves out test accuracy, as a model without
    /// classes (the VAE) records none.
    static func make(at path: String, recordsAccuracy: Bool = true) throws -> ResultStore {
        let store = try ResultStore(path: path)
        try store.registerExperiment(
            name: "fixture", title: "Fixture experiment", specPath: "fixture.yaml", specText: spec)
        var runs: [(NewRun, [Double]?, Bool)] = []
        // Run keys as the planner makes them (the reporter shows only the runs of the spec's plan).
        let planned = try RunPlan.runs(
            SpecParser.parse(spec, file: "fixture.yaml"), scale: "paper", datasetFingerprint: "fixture-data",
            blasKernels: "haswell")
        for seed: UInt64 in [1, 2, 3] {
            for (label, lr, base, decay) in [
                ("Fast", "0.001", 2.3, 0.5), ("Fast", "0.01", 2.3, 0.6), ("Slow", "0.1", 2.3, 0.8),
                ("Twin", "0.001", 2.3, 0.5), ("Twin", "0.01", 2.3, 0.6), ("Shaky", "0.05", 2.3, 0.7),
            ] {
                let key = planned.first {
                    $0.label == label && $0.seed == seed && $0.configuration.learningRate == Double(lr)!
                }!.key
                let diverges = (label == "Fast" && lr == "0.01" && seed == 2) || (label == "Shaky" && seed == 3)
                runs.append(
                    (
                        NewRun(
                            key: key, experiment: "fixture", scale: "paper", label: label,
                            optimizer: label == "Slow" || label == "Shaky" ? "sgd" : "adam",
                            settingJSON: "{\"lr\":\(lr)}", conventionsJSON: "{}", modelJSON: "{}", dataJSON: "{}",
                            trainingJSON: "{}",
                            dataset: "mnist", datasetSHA256: "fixture-data", seed: seed, epochsPlanned: 4,
                            estimatedFLOPs: 1),
                        diverges ? nil : curve(base: base, decay: decay, seed: seed), diverges
                    ))
            }
        }
        // A superseded run (a key the current plan does not make): recorded, not reported.
        runs.append(
            (
                NewRun(
                    key: "superseded", experiment: "fixture", scale: "paper", label: "Fast", optimizer: "adam",
                    settingJSON: "{\"lr\":0.001}", conventionsJSON: "{}", modelJSON: "{}", dataJSON: "{}",
                    trainingJSON: "{}",
                    dataset: "mnist", datasetSHA256: "fixture-data", seed: 1, epochsPlanned: 4, estimatedFLOPs: 1),
                curve(base: 9, decay: 1, seed: 1), false
            ))
        try store.ensureRuns(runs.map(\.0))
        let records = try store.runs()
        for (new, curve, diverges) in runs {
            let id = records.first { $0.key == new.key }!.id
            if diverges && new.label == "Shaky" {
                // Two epochs, then the loss explodes in the third.
                try store.insertMetrics(
                    [2.3, 1.6, 1.4, 40].enumerated().map { e, loss in
                        MetricPoint(
                            .trainLoss, step: e * 10, epoch: Double(e), value: loss,
                            wallSeconds: Double(e))
                    }, runID: id)
                try store.finish(runID: id, status: .diverged, divergedStep: 25, lastFiniteLoss: 40)
                continue
            }
            if diverges {
                try store.insertMetrics(
                    [
                        MetricPoint(.trainLoss, step: 0, epoch: 0, value: 2.3, wallSeconds: 0),
                        MetricPoint(
                            .minibatchLoss, step: 7, epoch: 0.7, value: .nan, wallSeconds: 0.7),
                    ], runID: id)
                try store.finish(runID: id, status: .diverged, divergedStep: 7, lastFiniteLoss: 2.1)
                continue
            }
            let points = curve!.enumerated().flatMap { e, loss in
                [
                    MetricPoint(
                        .trainLoss, step: e * 10, epoch: Double(e), value: loss, wallSeconds: Double(e)
                    ),
                    MetricPoint(
                        .testLoss, step: e * 10, epoch: Double(e), value: loss * 1.1,
                        wallSeconds: Double(e)),
                    MetricPoint(
                        .testAccuracy, step: e * 10, epoch: Double(e), value: 1 - loss / 3,
                        wallSeconds: Double(e)),
                ].filter { recordsAccuracy || $0.metric != .testAccuracy }
            }
            try store.insertMetrics(points, runID: id)
            try store.recordEpoch(
                runID: id, metrics: [], epochsCompleted: 4, stepsCompleted: 40, trainSeconds: 4, checkpoint: nil)
            try store.finish(runID: id, status: .completed)
        }
        return store
    }
}

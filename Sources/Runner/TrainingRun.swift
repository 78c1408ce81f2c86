import DeterministicRandom
import Experiments
import Foundation
import NeuralNetworks
import Optimizers
import Plan
import ResultStore
import Vocabulary

/// Trains one run end to end, resuming from its checkpoint when it has one.
///
/// Protocol (PAPER.md §2): all optimizers with the same seed share the initialization (stream
/// "init") and the batch order (stream "shuffle": one permutation per epoch); dropout masks and VAE
/// noise come from stream "dropout". Every epoch: minibatch steps (the last batch may be smaller),
/// then a full evaluation pass in eval mode (no dropout) over the training and test sets, and one
/// transaction recording the epoch's metrics with a checkpoint. Epoch 0 is the evaluation before the
/// first step. With temporal averaging on, evaluations use the averaged parameters (Schedule-Free:
/// its evaluation point x_t).
///
/// Metrics: `train_loss` (without the L2 term), `objective` (with it), `train_accuracy`, `test_loss`,
/// `test_accuracy` at epoch ends (step = steps so far); `minibatch_loss_mean` (the epoch's running
/// mean of minibatch losses, as trained: with dropout); `minibatch_loss` every `log-every` steps.
/// Steps go through a `StepDriver` with a `MinibatchObjective`: the catalogue's gradient optimizers
/// evaluate the scheduled minibatch once per step; optimizers that drive the objective themselves
/// (SFO, L-BFGS) plug into the same loop, store and report.
/// Divergence: a NaN/infinite minibatch or evaluation loss, or one above `divergence-threshold`,
/// stops the run as diverged at that step (its metrics so far are kept).
final class TrainingRun {
    let run: RunRecord
    let plan: PlannedRun
    let data: TrainingData
    let store: ResultStore
    let cancellation: Cancellation
    let progress: (_ epoch: Int, _ loss: Double) -> Void
    /// Seconds spent writing to the store (metrics, checkpoints), for the recording-overhead figure.
    private(set) var recordingSeconds = 0.0
    /// Remarks stored with the run (its notes), e.g. SFO trained with dropout.
    private(set) var notes: [String] = []

    init(
        run: RunRecord, plan: PlannedRun, data: TrainingData, store: ResultStore, cancellation: Cancellation,
        progress: @escaping (Int, Double) -> Void
    ) {
        self.run = run
        self.plan = plan
        self.data = data
        self.store = store
        self.cancellation = cancellation
        self.progress = progress
    }

    var evaluationBatch: Int { plan.model.kind == .cnn ? plan.training.batchSize : max(plan.training.batchSize, 1000) }

    func execute() throws -> RunOutcome {
        let training = plan.training
        let batchSize = training.batchSize
        var maxNonzeros = 1
        if case .bagOfWords(let train, let test) = data {
            maxNonzeros = max(
                BatchAssembler.maxNonzeros(train, batch: max(batchSize, evaluationBatch)),
                BatchAssembler.maxNonzeros(test, batch: evaluationBatch))
        }
        let capacity = max(batchSize, evaluationBatch)
        let model = ModelFactory.make(plan.model, data: data, maxBatch: capacity, maxNonzeros: maxNonzeros)
        let assembler = BatchAssembler(
            capacity: capacity, features: ModelFactory.featureCount(data), maxNonzeros: maxNonzeros)
        let n = model.layout.count
        var parameters = [Float](repeating: 0, count: n)
        var averaged = [Float](repeating: 0, count: n)
        var shuffle = Xoshiro256(seed: plan.seed, stream: "shuffle")
        let objective = MinibatchObjective(
            model: model, noise: Xoshiro256(seed: plan.seed, stream: "dropout"),
            exampleCount: data.trainCount, batchSize: batchSize, capacity: capacity
        ) { [self] indices, body in
            batch(assembler, indices, body)
        }
        var epoch = 0
        var trainSeconds = 0.0

        var initRNG = Xoshiro256(seed: plan.seed, stream: "init")
        parameters.withUnsafeMutableBufferPointer {
            model.initialize(parameters: $0.baseAddress!, scheme: plan.model.initialization, rng: &initRNG)
        }
        let driver = try makeDriver(parameters: parameters, count: n, layout: model.layout)

        if let checkpoint = try store.checkpoint(runID: run.id) {
            guard checkpoint.parameters.count == n * 4 else {
                throw RunnerError.checkpointMismatch(
                    run: String(run.key.prefix(12)),
                    reason: "checkpoint holds \(checkpoint.parameters.count / 4) parameters, the model has \(n)")
            }
            parameters = checkpoint.parameters.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            try driver.restore(checkpoint.optimizerState)
            let streams = try JSONDecoder().decode([String: Xoshiro256].self, from: Data(checkpoint.rngState.utf8))
            guard let s = streams["shuffle"], let d = streams["dropout"] else {
                throw RunnerError.checkpointMismatch(
                    run: String(run.key.prefix(12)), reason: "checkpoint lacks generator states")
            }
            shuffle = s
            objective.noise = d
            epoch = checkpoint.epoch
            trainSeconds = checkpoint.trainSeconds
        } else {
            let metrics = evaluate(
                model, parameters: parameters, averaged: &averaged, driver: driver, assembler: assembler, epoch: 0,
                step: 0, seconds: 0)
            if let divergence = divergence(in: metrics, step: 0) {
                try record(
                    runID: run.id, metrics: metrics, epochsCompleted: 0, stepsCompleted: 0, trainSeconds: 0,
                    checkpoint: nil)
                return divergence
            }
            // No checkpoint at epoch 0: the initialization is a function of the seed, so a run interrupted
            // in its first epoch simply starts again (and re-records identical epoch-0 metrics).
            try record(
                runID: run.id, metrics: metrics, epochsCompleted: 0, stepsCompleted: 0, trainSeconds: 0, checkpoint: nil
            )
        }

        let examples = data.trainCount
        let batchesPerEpoch = (examples + batchSize - 1) / batchSize
        var lastFinite: Double? = nil
        while epoch < training.epochs {
            if cancellation.isCancelled { return .interrupted }
            let order = shuffle.permutation(examples)
            objective.batches = (0..<batchesPerEpoch).map {
                order[($0 * batchSize)..<min(($0 + 1) * batchSize, examples)]
            }
            var metrics: [MetricPoint] = []
            var lossSum = 0.0
            let start = DispatchTime.now().uptimeNanoseconds
            let steps = driver.stepsPerEpoch(minibatches: batchesPerEpoch)
            for b in 0..<steps {
                if cancellation.isCancelled { return .interrupted }
                let step = driver.stepCount + 1
                let loss = parameters.withUnsafeMutableBufferPointer {
                    driver.step(parameters: $0, objective: objective, scheduledBatch: b).loss
                }
                lossSum += loss
                let elapsed = trainSeconds + Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
                let fractionalEpoch = Double(epoch) + Double(b + 1) / Double(steps)
                let diverging = !loss.isFinite || loss > training.divergenceThreshold
                if diverging || (training.logEvery > 0 && step % training.logEvery == 0) {
                    metrics.append(
                        MetricPoint(
                            .minibatchLoss, step: step, epoch: fractionalEpoch, value: loss,
                            wallSeconds: elapsed))
                }
                if diverging {
                    try record(
                        runID: run.id, metrics: metrics, epochsCompleted: epoch, stepsCompleted: step,
                        trainSeconds: elapsed, checkpoint: nil)
                    return .diverged(step: step, lastFiniteLoss: lastFinite)
                }
                lastFinite = loss
            }
            trainSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            epoch += 1
            let step = driver.stepCount
            metrics.append(
                MetricPoint(
                    .minibatchLossMean, step: step, epoch: Double(epoch),
                    value: lossSum / Double(steps), wallSeconds: trainSeconds))
            for (metric, value) in driver.epochMetrics(objective: objective) {
                metrics.append(
                    MetricPoint(metric, step: step, epoch: Double(epoch), value: value, wallSeconds: trainSeconds))
            }
            let evaluation = evaluate(
                model, parameters: parameters, averaged: &averaged, driver: driver, assembler: assembler,
                epoch: epoch, step: step, seconds: trainSeconds)
            metrics += evaluation
            if let divergence = divergence(in: evaluation, step: step) {
                try record(
                    runID: run.id, metrics: metrics, epochsCompleted: epoch, stepsCompleted: step,
                    trainSeconds: trainSeconds, checkpoint: nil)
                return divergence
            }
            // No checkpoint after the last epoch, nor for drivers that keep none (SFO, L-BFGS).
            let optimizerState = epoch < training.epochs ? driver.checkpointState() : nil
            try record(
                runID: run.id, metrics: metrics, epochsCompleted: epoch, stepsCompleted: step,
                trainSeconds: trainSeconds,
                checkpoint: try optimizerState.map {
                    try checkpointData(
                        epoch: epoch, step: step, parameters: parameters, optimizerState: $0,
                        shuffle: shuffle, noise: objective.noise, trainSeconds: trainSeconds)
                })
            progress(epoch, evaluation.first { $0.metric == .trainLoss }?.value ?? .nan)
        }
        return .completed
    }

    /// `store.recordEpoch`, timed.
    func record(
        runID: Int64, metrics: [MetricPoint], epochsCompleted: Int, stepsCompleted: Int, trainSeconds: Double,
        checkpoint: Checkpoint?
    ) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { recordingSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
        try store.recordEpoch(
            runID: runID, metrics: metrics, epochsCompleted: epochsCompleted, stepsCompleted: stepsCompleted,
            trainSeconds: trainSeconds, checkpoint: checkpoint)
    }

    func batch<R>(_ assembler: BatchAssembler, _ indices: ArraySlice<Int>, _ body: (ModelBatch<Float>) -> R) -> R {
        switch data {
        case .images(let train, _): return assembler.withBatch(train, indices, body)
        case .bagOfWords(let train, _): return assembler.withBatch(train, indices, body)
        }
    }

    /// The epoch-end metrics: full passes in eval mode over both splits.
    func evaluate(
        _ model: any Model<Float>, parameters: [Float], averaged: inout [Float], driver: StepDriver,
        assembler: BatchAssembler, epoch: Int, step: Int, seconds: Double
    ) -> [MetricPoint] {
        var evaluated = parameters
        let written = parameters.withUnsafeBufferPointer { current in
            averaged.withUnsafeMutableBufferPointer { driver.writeEvaluationParameters(from: current, into: $0) }
        }
        if written {
            evaluated = averaged
        }
        let (train, test) = evaluated.withUnsafeBufferPointer { p -> (Evaluation, Evaluation) in
            func pass(_ split: Int) -> Evaluation {
                var total = Evaluation()
                let count = split == 0 ? data.trainCount : data.testCount
                for start in stride(from: 0, to: count, by: evaluationBatch) {
                    let indices = Array(start..<min(start + evaluationBatch, count))[...]
                    let result: Evaluation
                    switch data {
                    case .images(let tr, let te):
                        result = assembler.withBatch(split == 0 ? tr : te, indices) {
                            model.evaluate(parameters: p.baseAddress!, batch: $0)
                        }
                    case .bagOfWords(let tr, let te):
                        result = assembler.withBatch(split == 0 ? tr : te, indices) {
                            model.evaluate(parameters: p.baseAddress!, batch: $0)
                        }
                    }
                    total.add(result)
                }
                return total
            }
            return (pass(0), pass(1))
        }
        let penalty = evaluated.withUnsafeBufferPointer { model.penalty(parameters: $0.baseAddress!) }
        var metrics = [
            MetricPoint(
                .trainLoss, step: step, epoch: Double(epoch), value: train.meanLoss,
                wallSeconds: seconds),
            MetricPoint(
                .objective, step: step, epoch: Double(epoch), value: train.meanLoss + penalty,
                wallSeconds: seconds),
            MetricPoint(
                .testLoss, step: step, epoch: Double(epoch), value: test.meanLoss, wallSeconds: seconds
            ),
        ]
        if model.isClassifier {
            metrics.append(
                MetricPoint(
                    .trainAccuracy, step: step, epoch: Double(epoch), value: train.accuracy,
                    wallSeconds: seconds))
            metrics.append(
                MetricPoint(
                    .testAccuracy, step: step, epoch: Double(epoch), value: test.accuracy,
                    wallSeconds: seconds))
        }
        return metrics
    }

    func divergence(in metrics: [MetricPoint], step: Int) -> RunOutcome? {
        guard let loss = metrics.first(where: { $0.metric == .trainLoss })?.value else { return nil }
        guard !loss.isFinite || loss > plan.training.divergenceThreshold else { return nil }
        return .diverged(step: step, lastFiniteLoss: nil)
    }

    func checkpointData(
        epoch: Int, step: Int, parameters: [Float], optimizerState: [UInt8], shuffle: Xoshiro256, noise: Xoshiro256,
        trainSeconds: Double
    ) throws -> Checkpoint {
        let rng = String(decoding: try JSONEncoder().encode(["shuffle": shuffle, "dropout": noise]), as: UTF8.self)
        return Checkpoint(
            epoch: epoch, step: step, parameters: parameters.withUnsafeBytes { Array($0) },
            optimizerState: optimizerState, rngState: rng, trainSeconds: trainSeconds)
    }

    /// The step driver for the run's optimizer. SFO's memory is estimated first: a run whose SFO
    /// would take more than 80% of the machine's memory is refused with the figures.
    func makeDriver(parameters: [Float], count n: Int, layout: ParameterLayout) throws -> StepDriver {
        let c = plan.configuration
        switch c.method {
        case .sfo(let sfo):
            let bytes = sfo.estimatedBytes(
                parameters: n, examples: data.trainCount, batchSize: plan.training.batchSize)
            let limit = ProcessMemory.physicalBytes / 10 * 8
            guard bytes <= limit else {
                let k = sfo.settings.subspaceCapacity(
                    subfunctions: sfo.subfunctionCount(examples: data.trainCount, batchSize: plan.training.batchSize),
                    parameters: n)
                throw RunnerError.sfoTooLarge(
                    label: plan.label, bytes: bytes, parameters: n, subspace: k,
                    physicalBytes: ProcessMemory.physicalBytes)
            }
            if plan.model.inputDropout > 0 || plan.model.hiddenDropout > 0 {
                notes.append(
                    "SFO with dropout: subfunctions are not deterministic (each evaluation draws new dropout masks); SFO's authors report it then fails to converge."
                )
            }
            return parameters.withUnsafeBufferPointer {
                SFOStep(
                    sfo, parameters: $0.baseAddress!, count: n, examples: data.trainCount,
                    batchSize: plan.training.batchSize, seed: plan.seed)
            }
        case .lbfgs(let lbfgs):
            if plan.model.inputDropout > 0 || plan.model.hiddenDropout > 0 {
                notes.append("L-BFGS with dropout: the line search compares losses under different dropout masks.")
            }
            return LBFGSStep(lbfgs, count: n)
        case .rule:
            // Adafactor works tensor by tensor: it gets the layout's shapes.
            let tensors = c.kind.usesTensorShapes ? layout.views.map(\.shape) : nil
            // The run's steps, for the schedules that span them (cosine, step).
            let stepsPerEpoch = (data.trainCount + plan.training.batchSize - 1) / plan.training.batchSize
            let horizon = ScheduleHorizon(
                totalSteps: plan.training.epochs * stepsPerEpoch, stepsPerEpoch: stepsPerEpoch)
            return GradientStep(try Optimizer<Float>(c, parameterCount: n, tensors: tensors, horizon: horizon))
        }
    }
}

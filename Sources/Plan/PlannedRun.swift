import Experiments
import Optimizers
import Vocabulary

/// The stage of the tuning protocol a run belongs to (`TuningProtocol`).
public enum RunStage: String, Sendable, Hashable, Codable, CaseIterable {
    /// A grid point on a tuning seed.
    case grid
    /// A value beyond a grid edge on a tuning seed.
    case `extension`
    /// The selected setting on a confirm seed.
    case confirm

    /// Whether later stages wait for this run: grid and extension runs decide a selection (and so
    /// the extensions and confirm runs after it); a confirm run decides nothing. Workers claim
    /// these first, so that a stage's runs are registered while the earlier ones still run.
    public var decidesLaterStages: Bool { self != .confirm }
}

/// One run: one (optimizer setting, seed) of one spec at one scale, with its content-hash key.
public struct PlannedRun: Sendable, Hashable {
    public let experiment: String
    public let scale: String
    public let label: String
    public let configuration: OptimizerConfiguration
    /// The grid point as written (the hyperparameters that vary or were given explicitly).
    public let setting: [String: HyperparameterValue]
    public let seed: UInt64
    /// The stage of the tuning protocol that runs it (not part of the key: a run is the same run
    /// whichever stage asks for it).
    public let stage: RunStage
    public let model: ModelSpec
    public let data: DataSpec
    public let training: TrainingSpec
    public let datasetFingerprint: String
    /// The OpenBLAS kernel set that computes the run (lower-case), nil for a model without BLAS.
    public let blasKernels: String?
    public let key: String

    /// Training examples this run sees per epoch (nil subset = the full split).
    public var epochs: Int { training.epochs }

    /// Relative work: forward+backward FLOPs over the epochs plus the evaluation passes, in FLOP.
    public func estimatedFLOPs(trainExamples: Int, testExamples: Int) -> Double {
        let perExample = model.approximateForwardFLOPs(dataset: data.dataset)
        let train = Double(min(training.trainingSubset ?? trainExamples, trainExamples))
        let test = Double(min(training.testSubset ?? testExamples, testExamples))
        return Double(training.epochs) * (3 * perExample * train + perExample * (train + test)) + perExample
            * (train + test)
    }
}

extension ModelSpec {
    /// Trainable parameters, approximately (weights; biases where cheap to count), for estimates.
    public func approximateParameterCount(dataset: DatasetName) -> Double {
        switch kind {
        case .logisticRegression: return 784 * 10 + 10
        case .bowLogisticRegression: return 10_000 * 2 + 2
        case .mlp:
            let sizes = [784] + hidden + [10]
            return zip(sizes, sizes.dropFirst()).reduce(0) { $0 + Double($1.0 * $1.1 + $1.1) }
        default: return approximateForwardFLOPs(dataset: dataset) / 2
        }
    }

    /// Forward FLOPs per example (multiply-add = 2), for cost estimates and scheduling.
    public func approximateForwardFLOPs(dataset: DatasetName) -> Double {
        switch kind {
        case .logisticRegression: return 2 * 784 * 10
        case .bowLogisticRegression: return 2 * 130 * 2 * 10  // about 130 present words; sparse access costs more
        case .mlp:
            let sizes = [784] + hidden + [10]
            return zip(sizes, sizes.dropFirst()).reduce(0) { $0 + 2 * Double($1.0 * $1.1) }
        case .vae:
            let h = Double(hidden.first ?? 500), z = Double(latent)
            return 2 * (784 * h + h * 2 * z + z * h + h * 784)
        case .cnn:
            var (size, c, total) = (32, 3, 0.0)
            for k in channels {
                total += 2 * Double(size * size * 25 * c * k)
                size /= 2
                c = k
            }
            return total + 2 * Double(size * size * c * fullyConnected) + 2 * Double(fullyConnected * 10)
        }
    }
}

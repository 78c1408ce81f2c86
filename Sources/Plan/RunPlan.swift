import Crypto
import Experiments
import Foundation
import Optimizers
import Vocabulary

/// Expands a spec at a scale into runs: for each optimizer entry (filtered by the scale), the
/// cartesian product of its grid axes (scale grids replace the spec's axes of the same name),
/// times the seeds. Runs are listed in spec order: entry, grid point, seed.
public enum RunPlan {
    /// Bump when a change to the numerics changes results (models, optimizers, data pipeline): every
    /// run key changes with it, so stored curves are never mistaken for the new code's.
    public static let numericsVersion = 1

    /// A revision for one model's numerics on top of `numericsVersion`, for changes that alter that
    /// model's results only (nil = none since version 1, and then absent from run keys, so other
    /// models' stored runs keep their keys). Revision 2: VAE, softplus, sigmoid and the cross-entropy
    /// with logits through the vectorized Float32 kernels (CNeuralKernels); CNN, im2col chunks sized to
    /// a cache budget (`ConvolutionalNetwork.columnBudgetBytes`), which changes the order in which the
    /// filter gradients' chunk terms are summed. The next revision (logistic regression, MLP, CNN,
    /// VAE: every model whose products go through OpenBLAS, and with the MLP the L-BFGS and SFO runs)
    /// is OpenBLAS's Haswell kernel set, then pinned on every x86-64 CPU with AVX2 and FMA; the
    /// bag-of-words model never calls OpenBLAS and keeps its keys. Since then the kernel set is
    /// part of the key itself (`keyedKernelSet`).
    public static func modelNumericsRevision(_ kind: ModelSpec.Kind) -> Int? {
        switch kind {
        case .vae, .logisticRegression, .cnn: 3
        case .mlp: 2
        case .bowLogisticRegression: nil
        }
    }

    /// A revision for one optimizer's numerics on top of `numericsVersion` (nil = none, and then
    /// absent from run keys). SFO revision 2: the reference implementation's rules (sfo.py:
    /// `distance-both` selection, its step-failure statistics, curvature fallbacks and
    /// pseudo-inverse, every evaluated gradient in the subspace) and Float64 state (issue 19).
    public static func optimizerNumericsRevision(_ kind: OptimizerKind) -> Int? {
        kind == .sfo ? 2 : nil
    }

    /// The OpenBLAS kernel set the model revisions above were computed under (`BLASKernel`'s
    /// AVX2 + FMA family). A BLAS-using run's key names its kernel set unless it is this one, so the
    /// runs recorded since the revisions keep their keys; any other set (`skylakex`, or one a user
    /// chose with `OPENBLAS_CORETYPE`) gives other keys, and its runs are never taken for these.
    public static let referenceKernelSet = "haswell"

    /// The kernel-set component of a run key: nil for a model that never calls OpenBLAS or for the
    /// reference set, else the set's lower-case name.
    public static func keyedKernelSet(_ kind: ModelSpec.Kind, blasKernels: String) -> String? {
        guard kind.callsBLAS else { return nil }
        let name = blasKernels.lowercased()
        return name == referenceKernelSet ? nil : name
    }

    /// Why a spec does not plan, each case with its message (file, optimizer, what is expected).
    public enum Failure: Error, CustomStringConvertible {
        /// The spec does not define the scale asked for (a report then leaves the spec unplanned).
        case undefinedScale(String)
        /// A setting of an optimizer's grid does not resolve (`OptimizerConfiguration.Errors`).
        case invalidSetting(String)
        /// A run's identity cannot be encoded, so it has no key (never a shared fallback key).
        case unencodableIdentity(String)

        public var description: String {
            switch self {
            case .undefinedScale(let message), .invalidSetting(let message), .unencodableIdentity(let message):
                return message
            }
        }
    }

    /// The spec's protocol with the scale's overrides applied.
    public static func training(_ spec: ExperimentSpec, scale: String) throws -> (TrainingSpec, ScaleProfile) {
        guard let profile = spec.scales[scale] ?? (scale == "paper" ? ScaleProfile() : nil) else {
            throw Failure.undefinedScale(
                "\(spec.sourcePath): scale '\(scale)' is not defined; the spec defines \(spec.scales.keys.sorted().joined(separator: ", "))"
                    + (spec.scales["paper"] == nil ? " (and paper, the spec's own protocol)" : ""))
        }
        var training = spec.training
        if let e = profile.epochs { training.epochs = e }
        if let s = profile.seeds { training.seeds = s }
        if let t = profile.trainingSubset { training.trainingSubset = t }
        if let t = profile.testSubset { training.testSubset = t }
        return (training, profile)
    }

    /// The optimizer entries a scale runs (its `optimizers:` filter), each with the scale's grid
    /// axes replacing the spec's axes of the same name (new axes appended).
    public static func entries(_ spec: ExperimentSpec, profile: ScaleProfile) -> [OptimizerEntry] {
        spec.optimizers.filter { profile.optimizers?.contains($0.label) ?? true }.map { entry in
            var effective = entry
            for axis in profile.grids[entry.label] ?? [] {
                if let i = effective.grid.firstIndex(where: { $0.name == axis.name }) {
                    effective.grid[i] = axis
                } else {
                    effective.grid.append(axis)
                }
            }
            return effective
        }
    }

    /// The runs of `spec` at `scale` before any result is known: every grid point on the tuning
    /// seeds (without a `tuning:` block, every setting on every seed: the whole plan). Keyed to the
    /// dataset's fingerprint and to the OpenBLAS kernel set that computes them (`blasKernels`, as
    /// `BLASKernel.identity` names it: the process's own for runs it will train; a recorded one for
    /// reports). The later stages depend on results: `StagedPlan.resolve`.
    public static func runs(
        _ spec: ExperimentSpec, scale: String, datasetFingerprint: String,
        blasKernels: String
    ) throws -> [PlannedRun] {
        try StagedPlan.resolve(
            spec, scale: scale, datasetFingerprint: datasetFingerprint, blasKernels: blasKernels,
            outcome: { _ in nil }
        ).runs
    }

    /// One run of an entry's setting on a seed.
    static func run(
        _ spec: ExperimentSpec, scale: String, entry: OptimizerEntry, setting: [String: HyperparameterValue],
        seed: UInt64, stage: RunStage, training: TrainingSpec, datasetFingerprint: String, blasKernels: String
    ) throws -> PlannedRun {
        let configuration = try configuration(spec, scale: scale, entry: entry, setting: setting)
        let key = try runKey(
            spec: spec, label: entry.label, configuration: configuration, seed: seed, training: training,
            datasetFingerprint: datasetFingerprint, blasKernels: blasKernels)
        return PlannedRun(
            experiment: spec.name, scale: scale, label: entry.label, configuration: configuration, setting: setting,
            seed: seed, stage: stage, model: spec.model, data: spec.data, training: training,
            datasetFingerprint: datasetFingerprint,
            blasKernels: spec.model.kind.callsBLAS ? blasKernels.lowercased() : nil, key: key)
    }

    /// An entry's setting resolved against the optimizer's defaults and preset.
    static func configuration(
        _ spec: ExperimentSpec, scale: String, entry: OptimizerEntry, setting: [String: HyperparameterValue]
    ) throws -> OptimizerConfiguration {
        do {
            return try OptimizerConfiguration(
                name: entry.optimizer.rawValue, hyperparameters: setting, preset: entry.preset?.rawValue)
        } catch {
            throw Failure.invalidSetting("\(spec.sourcePath): scale \(scale), optimizer '\(entry.label)': \(error)")
        }
    }

    /// The run key: SHA-256 of canonical JSON (sorted keys) holding everything that determines the
    /// curve — numerics version, experiment name, optimizer label and kind with every resolved
    /// hyperparameter (`keyedValues`: the schedule fields added later count only off their defaults), seed, model, data and preprocessing, the effective training protocol (epochs,
    /// batch size, subsets, logging interval, divergence threshold), the dataset's fingerprint, and
    /// for a model that calls OpenBLAS its kernel set (`keyedKernelSet`: absent for the reference).
    /// The scale's *name* is not part of it: two scales that amount to the same protocol share runs.
    public static func runKey(
        spec: ExperimentSpec, label: String, configuration: OptimizerConfiguration, seed: UInt64,
        training: TrainingSpec, datasetFingerprint: String, blasKernels: String
    ) throws -> String {
        struct Identity: Encodable {
            let numerics: Int
            let modelNumerics: Int?
            let optimizerNumerics: Int?
            let blasKernels: String?
            let experiment: String
            let label: String
            let optimizer: String
            let hyperparameters: [String: HyperparameterValue]
            let seed: UInt64
            let model: ModelSpec
            let data: DataSpec
            let epochs: Int, batchSize: Int, trainingSubset: Int?, testSubset: Int?, logEvery: Int,
                divergenceThreshold: Double
            let datasetFingerprint: String
        }
        let identity = Identity(
            numerics: numericsVersion, modelNumerics: modelNumericsRevision(spec.model.kind),
            optimizerNumerics: optimizerNumericsRevision(configuration.kind),
            blasKernels: keyedKernelSet(spec.model.kind, blasKernels: blasKernels), experiment: spec.name, label: label,
            optimizer: configuration.kind.rawValue,
            hyperparameters: configuration.keyedValues, seed: seed, model: spec.model, data: spec.data,
            epochs: training.epochs, batchSize: training.batchSize, trainingSubset: training.trainingSubset,
            testSubset: training.testSubset, logEvery: training.logEvery,
            divergenceThreshold: training.divergenceThreshold,
            datasetFingerprint: datasetFingerprint)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json: Data
        do {
            json = try encoder.encode(identity)
        } catch {
            // Never a shared fallback key: a run whose identity cannot be encoded has no key.
            throw Failure.unencodableIdentity(
                "\(spec.sourcePath): optimizer '\(label)', seed \(seed): cannot encode the run's identity "
                    + "(\(error)); expected finite numbers in its hyperparameters and protocol")
        }
        return SHA256.hash(data: json).map { String(format: "%02x", $0) }.joined()
    }

    /// The canonical JSON of a setting (sorted keys), as stored and printed.
    public static func compactJSON(_ values: [String: HyperparameterValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(values)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

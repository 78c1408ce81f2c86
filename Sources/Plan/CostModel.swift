import Experiments
import Optimizers

/// What a planned run costs before it runs: single-core seconds (the order in which workers claim
/// runs, `--time-limit`'s admission, shard balance, `plan`'s and `slurm`'s estimates) and SFO's
/// memory. A model of measured rates, not a measurement: each rate says where it was calibrated.
public enum CostModel {
    /// Rough single-core seconds for a run: its estimated FLOPs over an effective rate per model,
    /// calibrated on the quick and fig1 paper runs of results/adambench.sqlite (2 workers, AMD EPYC,
    /// wall time per run including data loading and evaluation).
    public static func estimatedSeconds(_ run: PlannedRun) -> Double {
        let sizes = run.data.splitSizes
        var rate: Double
        switch run.model.kind {
        // Under OpenBLAS's Haswell kernels (BLASKernel), from the session-4 re-runs (estimated FLOPs
        // over train_seconds; quick scale unless said): logistic regression 40-44e9 (fig1 MNIST quick
        // and paper), MLP 137e9 vs 124e9 under the former kernels, CNN 137e9 vs 121e9, VAE 32 s per fig4
        // quick run vs 37-44 s. The logistic regression's rate is the measured one; the MLP's, CNN's and
        // VAE's former rates moved by those ratios.
        case .logisticRegression: rate = 40e9
        case .bowLogisticRegression: rate = 1.9e9
        case .mlp: rate = 94e9
        case .cnn: rate = 124e9
        case .vae: rate = 94e9
        }
        rate *= kernelSetSpeedup(run)
        return run.estimatedFLOPs(trainExamples: sizes.train, testExamples: sizes.test) / rate + 1
            + sfoOverheadSeconds(run)
            + lbfgsOverheadSeconds(
                run, trainingSeconds: run.estimatedFLOPs(trainExamples: sizes.train, testExamples: 0) / rate)
    }

    /// How much faster a run's products go under its kernel set than under the Haswell set the
    /// rates above were measured with. SkylakeX (the AVX-512 family) on a Zen 5-class EPYC with
    /// full-width AVX-512, ms per step Haswell / SkylakeX on one core (issue 14's side-by-side
    /// measurement): MLP 9.57 / 5.57, CNN 297 / 186, VAE-128 4.98 / 2.84, logistic regression
    /// 0.066 / 0.068. On Zen 4 (AVX-512 on 256-bit units) the two sets are within ~5%, so this
    /// overestimates the speed there; other sets are taken as fast as Haswell.
    public static func kernelSetSpeedup(_ run: PlannedRun) -> Double {
        guard run.blasKernels == "skylakex" else { return 1 }
        switch run.model.kind {
        case .mlp: return 1.72
        case .cnn: return 1.6
        case .vae: return 1.75
        case .logisticRegression, .bowLogisticRegression: return 1
        }
    }

    /// L-BFGS's extra work: about 3 objective evaluations per iteration with the line search (1
    /// without), and per iteration about 2 (4 history-size + 10) passes over the parameters
    /// (two-loop recursion, line-search vectors). Rough (within 2x of the recorded fig2b quick run,
    /// 0.37 s per step with 3 processes sharing 2 cores).
    public static func lbfgsOverheadSeconds(_ run: PlannedRun, trainingSeconds: Double) -> Double {
        guard case .lbfgs(let lbfgs) = run.configuration.method else { return 0 }
        let iterations = Double(lbfgs.maxIterations)
        let evaluations = min(
            lbfgs.maxEvaluations.map(Double.init) ?? iterations * 5 / 4,
            lbfgs.strongWolfe ? 3 * iterations : iterations)
        let sizes = run.data.splitSizes
        let examples = Double(min(run.training.trainingSubset ?? sizes.train, sizes.train))
        let steps =
            Double(run.training.epochs)
            * (lbfgs.fullBatch ? 1 : (examples / Double(run.training.batchSize)).rounded(.up))
        let passes = 2 * (4 * Double(lbfgs.historySize) + 10) * iterations
        let m = run.model.approximateParameterCount(dataset: run.data.dataset)
        let gradientWork =
            lbfgs.fullBatch ? trainingSeconds * evaluations : trainingSeconds * (evaluations - 1)
        return gradientWork + steps * passes * m * 4 / 5e9
    }

    /// SFO's own work besides the gradients: about `passes` memory-bound passes over its M x K
    /// subspace basis per iteration (projections and Gram-Schmidt), K averaging (K_min + K_max) / 2;
    /// calibrated on the recorded fig2b runs.
    public static func sfoOverheadSeconds(_ run: PlannedRun) -> Double {
        guard let (n, m, kMax) = sfoShape(run) else { return 0 }
        let passes = 6.0, bytesPerSecond = 5e9
        return Double(run.training.epochs * n) * passes * Double(m) * (Double(kMax) * 5 / 6) * 4 / bytesPerSecond
    }

    /// Bytes an SFO run's optimizer allocates (the runner's own estimate, with the parameter count
    /// approximated from the model spec), or nil.
    public static func sfoMemoryBytes(_ run: PlannedRun) -> Double? {
        guard case .sfo(let sfo) = run.configuration.method else { return nil }
        let sizes = run.data.splitSizes
        return Double(
            sfo.estimatedBytes(
                parameters: Int(run.model.approximateParameterCount(dataset: run.data.dataset)),
                examples: min(run.training.trainingSubset ?? sizes.train, sizes.train),
                batchSize: run.training.batchSize))
    }

    /// SFO's subfunction count N, parameter count M and subspace capacity K_max for a planned run.
    public static func sfoShape(_ run: PlannedRun) -> (n: Int, m: Int, kMax: Int)? {
        guard case .sfo(let sfo) = run.configuration.method else { return nil }
        let sizes = run.data.splitSizes
        let examples = min(run.training.trainingSubset ?? sizes.train, sizes.train)
        let n = sfo.subfunctionCount(examples: examples, batchSize: run.training.batchSize)
        let m = Int(run.model.approximateParameterCount(dataset: run.data.dataset))
        return (n, m, sfo.settings.subspaceCapacity(subfunctions: n, parameters: m))
    }
}

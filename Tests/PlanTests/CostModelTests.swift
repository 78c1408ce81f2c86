import Experiments
import Plan
import Testing

/// The cost model's structure: estimates that scale with the work, the kernel set's speedup where
/// its products run, and SFO's memory only for SFO.
@Suite struct CostModelTests {
    static func runs(
        model: String, optimizers: String, kernels: String = "haswell", epochs: Int = 2
    ) throws -> [PlannedRun] {
        let spec = try SpecParser.parse(
            """
            name: costs
            data: {dataset: mnist}
            model: \(model)
            training: {epochs: \(epochs), batch-size: 128, seeds: [1]}
            optimizers:
            \(optimizers)
            """, file: "costs.yaml")
        return try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "f", blasKernels: kernels)
    }

    static let adam = "  - {name: adam, hyperparameters: {lr: 0.001}}"
    static let mlp = "{name: mlp, hidden: [1000, 1000]}"

    @Test func theEstimateGrowsLinearlyWithTheEpochs() throws {
        let seconds = try [1, 2, 10].map {
            CostModel.estimatedSeconds(try Self.runs(model: Self.mlp, optimizers: Self.adam, epochs: $0)[0])
        }
        // A fixed part (the first evaluation, one second of setup) plus the same cost per epoch.
        let perEpoch = seconds[1] - seconds[0]
        #expect(perEpoch > 0)
        #expect(abs((seconds[2] - seconds[0]) / perEpoch - 9) < 1e-9, "\(seconds)")
    }

    @Test func theAVX512SetSpeedsUpOnlyTheModelsWhoseProductsDominate() throws {
        let haswell = try Self.runs(model: Self.mlp, optimizers: Self.adam)[0]
        let skylake = try Self.runs(model: Self.mlp, optimizers: Self.adam, kernels: "skylakex")[0]
        #expect(CostModel.kernelSetSpeedup(haswell) == 1)
        #expect(CostModel.kernelSetSpeedup(skylake) == 1.72)
        let ratio = (CostModel.estimatedSeconds(haswell) - 1) / (CostModel.estimatedSeconds(skylake) - 1)
        #expect(abs(ratio - 1.72) < 1e-9)
        let logistic = try Self.runs(
            model: "{name: logistic-regression}", optimizers: Self.adam, kernels: "skylakex")[0]
        #expect(CostModel.kernelSetSpeedup(logistic) == 1)
    }

    @Test func onlySFOHasAMemoryEstimateAndAnOverhead() throws {
        let runs = try Self.runs(
            model: Self.mlp,
            optimizers: Self.adam + "\n  - {name: sfo, hyperparameters: {subfunctions: 100}}")
        let (adam, sfo) = (
            runs.first { $0.configuration.kind == .adam }!, runs.first { $0.configuration.kind == .sfo }!
        )
        #expect(CostModel.sfoMemoryBytes(adam) == nil && CostModel.sfoOverheadSeconds(adam) == 0)
        let bytes = try #require(CostModel.sfoMemoryBytes(sfo))
        // At least its Float64 subspace: M parameters x K_max x 8 bytes.
        let shape = try #require(CostModel.sfoShape(sfo))
        #expect(shape.n == 100 && bytes >= Double(shape.m * shape.kMax * 8))
        #expect(CostModel.sfoOverheadSeconds(sfo) > 0)
        #expect(CostModel.estimatedSeconds(sfo) > CostModel.estimatedSeconds(adam))
    }
}

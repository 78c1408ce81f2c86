import Optimizers
import QuasiNewton

/// How a configuration of kind `sfo` maps onto `QuasiNewton.SFOSettings` and the run's data: the
/// rules `SFOStep` trains by and `adam-bench plan` estimates with.
extension OptimizerConfiguration {
    public var sfoSettings: SFOSettings {
        var s = SFOSettings()
        s.maxHistory = Int(number("max-history"))
        let k = Int(number("max-subspace-dimension"))
        s.maxSubspaceDimension = k == 0 ? nil : k
        s.hessianInit = number("hessian-init")
        s.initialSubfunctions = Int(number("initial-subfunctions"))
        s.maxGradientNoise = number("max-gradient-noise")
        s.maxEigenvalueRatio = number("max-eigenvalue-ratio")
        s.selection = SFOSettings.Selection(rawValue: word("selection"))!
        s.maxStepLengthRatio = number("max-step-length-ratio")
        s.minimumStepLength = number("minimum-step-length")
        return s
    }

    /// The number of subfunctions for `examples` training examples: `subfunctions`, or with 0 one per
    /// minibatch of `batchSize`.
    public func sfoSubfunctionCount(examples: Int, batchSize: Int) -> Int {
        let requested = Int(number("subfunctions"))
        return max(1, min(examples, requested == 0 ? (examples + batchSize - 1) / batchSize : requested))
    }

    /// Bytes SFO will allocate for `parameters` parameters: its Float64 state, plus the Float64
    /// parameters it steps and the model's Float32 point and gradient.
    public func sfoEstimatedBytes(parameters: Int, examples: Int, batchSize: Int) -> Int {
        SumOfFunctionsOptimizer<Double>.memoryBytes(
            parameters: parameters, subfunctions: sfoSubfunctionCount(examples: examples, batchSize: batchSize),
            settings: sfoSettings) + parameters * (MemoryLayout<Double>.stride + 2 * MemoryLayout<Float>.stride)
    }
}

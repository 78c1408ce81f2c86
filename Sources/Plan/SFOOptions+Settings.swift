import Optimizers
import QuasiNewton

/// How SFO's typed fields map onto `QuasiNewton.SFOSettings` and the run's data: the rules
/// `SFOStep` trains by and the cost model estimates with.
extension SFOOptions {
    public var settings: SFOSettings {
        var s = SFOSettings()
        s.maxHistory = maxHistory
        s.maxSubspaceDimension = maxSubspaceDimension == 0 ? nil : maxSubspaceDimension
        s.hessianInit = hessianInit
        s.initialSubfunctions = initialSubfunctions
        s.maxGradientNoise = maxGradientNoise
        s.maxEigenvalueRatio = maxEigenvalueRatio
        // The field's choices are the selection rules' names (`sfoSelectionChoicesAreTheRules`).
        s.selection = SFOSettings.Selection(rawValue: selection) ?? s.selection
        s.maxStepLengthRatio = maxStepLengthRatio
        s.minimumStepLength = minimumStepLength
        return s
    }

    /// The number of subfunctions for `examples` training examples: `subfunctions`, or with 0 one per
    /// minibatch of `batchSize`.
    public func subfunctionCount(examples: Int, batchSize: Int) -> Int {
        max(1, min(examples, subfunctions == 0 ? (examples + batchSize - 1) / batchSize : subfunctions))
    }

    /// Bytes SFO will allocate for `parameters` parameters: its Float64 state, plus the Float64
    /// parameters it steps and the model's Float32 point and gradient.
    public func estimatedBytes(parameters: Int, examples: Int, batchSize: Int) -> Int {
        SumOfFunctionsOptimizer<Double>.memoryBytes(
            parameters: parameters, subfunctions: subfunctionCount(examples: examples, batchSize: batchSize),
            settings: settings) + parameters * (MemoryLayout<Double>.stride + 2 * MemoryLayout<Float>.stride)
    }
}

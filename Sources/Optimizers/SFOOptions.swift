/// SFO's fields (`OptimizerKind.fields`), typed; the runner maps them onto `QuasiNewton.SFOSettings`.
/// 0 means automatic for `subfunctions` (one per minibatch) and `maxSubspaceDimension`.
public struct SFOOptions: Sendable, Hashable {
    public var subfunctions: Int
    public var maxHistory: Int
    public var maxSubspaceDimension: Int
    public var hessianInit: Double
    public var initialSubfunctions: Int
    public var maxGradientNoise: Double
    public var maxEigenvalueRatio: Double
    /// The subfunction selection rule's name (`QuasiNewton.SFOSettings.Selection`'s raw values).
    public var selection: String
    public var maxStepLengthRatio: Double
    public var minimumStepLength: Double

    init(_ f: FieldReader) throws(OptimizerError) {
        subfunctions = try f.integer("subfunctions")
        maxHistory = try f.integer("max-history")
        maxSubspaceDimension = try f.integer("max-subspace-dimension")
        hessianInit = try f.number("hessian-init")
        initialSubfunctions = try f.integer("initial-subfunctions")
        maxGradientNoise = try f.number("max-gradient-noise")
        maxEigenvalueRatio = try f.number("max-eigenvalue-ratio")
        selection = try f.word("selection")
        maxStepLengthRatio = try f.number("max-step-length-ratio")
        minimumStepLength = try f.number("minimum-step-length")
    }
}

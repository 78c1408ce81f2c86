/// L-BFGS's fields (`OptimizerKind.fields`, torch.optim.LBFGS's names), typed; the runner maps them
/// onto `QuasiNewton.LBFGSSettings`.
public struct LBFGSOptions: Sendable, Hashable {
    public var learningRate: Double
    public var maxIterations: Int
    /// Objective evaluations per step; nil = automatic (maxIterations * 5 / 4, PyTorch's rule).
    public var maxEvaluations: Int?
    public var toleranceGrad: Double
    public var toleranceChange: Double
    public var historySize: Int
    /// The strong-Wolfe line search (`line-search: strong-wolfe`), else fixed steps of `lr`.
    public var strongWolfe: Bool
    public var curvatureThreshold: Double
    /// One step per epoch on the whole training set (`batch: full`), else one per minibatch.
    public var fullBatch: Bool

    init(_ f: FieldReader) throws(OptimizerError) {
        learningRate = try f.number("lr")
        maxIterations = try f.integer("max-iter")
        let evaluations = try f.integer("max-eval")
        maxEvaluations = evaluations == 0 ? nil : evaluations
        toleranceGrad = try f.number("tolerance-grad")
        toleranceChange = try f.number("tolerance-change")
        historySize = try f.integer("history-size")
        strongWolfe = try f.word("line-search", is: "strong-wolfe")
        curvatureThreshold = try f.number("curvature-threshold")
        fullBatch = try f.word("batch", is: "full")
    }
}

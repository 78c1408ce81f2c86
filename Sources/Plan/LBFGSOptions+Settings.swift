import Optimizers
import QuasiNewton

extension LBFGSOptions {
    /// The settings `QuasiNewton.LBFGS` steps by.
    public var settings: LBFGSSettings {
        var s = LBFGSSettings()
        s.learningRate = learningRate
        s.maxIterations = maxIterations
        s.maxEvaluations = maxEvaluations
        s.toleranceGrad = toleranceGrad
        s.toleranceChange = toleranceChange
        s.historySize = historySize
        s.strongWolfe = strongWolfe
        s.curvatureThreshold = curvatureThreshold
        return s
    }
}

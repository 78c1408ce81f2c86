/// The knobs of `SumOfFunctionsOptimizer`, named as in specs; defaults follow the authors'
/// reference implementation as released with the paper (Sohl-Dickstein, Poole & Ganguli, ICML 2014;
/// sfo.py: hessian_init 1e5, max_history_terms 10, hess_max_dev 1e8, max_gradient_noise 1,
/// max_step_length_ratio 10, minimum_step_length 1e-8).
public struct SFOSettings: Sendable, Hashable {
    /// How the next subfunction is chosen (after every active subfunction has two evaluations).
    public enum Selection: String, Sendable, CaseIterable {
        /// Each iteration, a fair coin between `distance` and `singleDistance` (the reference's
        /// default, 'distance both').
        case distanceBoth = "distance-both"
        /// The active subfunction whose last evaluation is farthest from the current point in the
        /// metric of the summed Hessian: argmax_i (x - x_i)^T H (x - x_i) (the paper's §3.3).
        case distance
        /// Farthest in each subfunction's own metric: argmax_i (x - x_i)^T H_i (x - x_i).
        case singleDistance = "single-distance"
        /// Uniformly among the active subfunctions.
        case random
        /// The active subfunctions in turn.
        case cyclic
    }

    /// Curvature pairs kept per subfunction (L).
    public var maxHistory = 10
    /// Largest subspace dimension K_max; nil = ceil(1.5 (2N + 2)) (capped at the parameter count).
    /// The subspace is collapsed to K_min = floor(K_max / 1.5) dimensions when full.
    public var maxSubspaceDimension: Int? = nil
    /// beta of the first active subfunctions: a large value, so the first steps are short.
    public var hessianInit = 1e5
    /// Subfunctions active at the start; more join as gradient noise demands.
    public var initialSubfunctions = 2
    /// Grow the active set when the standard error of the gradient across active subfunctions
    /// reaches this fraction of the mean gradient (both in the H^-1 metric).
    public var maxGradientNoise = 1.0
    /// Largest allowed ratio between a curvature estimate's largest and smallest eigenvalues.
    public var maxEigenvalueRatio = 1e8
    public var selection = Selection.distanceBoth
    /// After the first N evaluations, a step is at most this many times the average distance
    /// travelled per evaluation.
    public var maxStepLengthRatio = 10.0
    /// Shorter steps are lengthened to this (their gradient changes would be roundoff).
    public var minimumStepLength = 1e-8

    public init() {}

    /// K_max for N subfunctions and M parameters.
    public func subspaceCapacity(subfunctions n: Int, parameters m: Int) -> Int {
        min(maxSubspaceDimension ?? Int((1.5 * Double(2 * n + 2)).rounded(.up)), m)
    }

    /// K_min: the dimension a collapse leaves.
    func collapsedDimension(capacity: Int) -> Int { max(2, min(capacity - 1, Int(Double(capacity) / 1.5))) }
}

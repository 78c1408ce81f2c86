/// A metric the runner records, by the name that specs (`selection.metric`, a claim's `metric`),
/// the store (`metrics.name`) and reports use, with its sense: whether lower or higher is better.
public enum MetricName: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// The full training set's loss (data term plus any weight penalty), at epoch ends.
    case trainLoss = "train_loss"
    /// The objective a deterministic run minimizes (fig2b: the training cost without dropout).
    case objective
    case testLoss = "test_loss"
    case trainAccuracy = "train_accuracy"
    case testAccuracy = "test_accuracy"
    /// One minibatch's loss, at the steps `training.log-every` names (fractional epochs).
    case minibatchLoss = "minibatch_loss"
    /// The mean of the epoch's minibatch losses, at epoch ends.
    case minibatchLossMean = "minibatch_loss_mean"
    /// Quasi-Newton runs (SFO, L-BFGS), at epoch ends: minibatch (subfunction) evaluations so far.
    case objectiveEvaluations = "objective_evaluations"
    /// Quasi-Newton runs: bytes the optimizer allocated.
    case optimizerMemoryBytes = "optimizer_memory_bytes"
    /// The process's peak resident set size.
    case peakResidentBytes = "peak_rss_bytes"
    /// Adam-family runs, at epoch ends: the fraction of coordinates with sqrt(v̂) < ε (the paper's
    /// claim that the second-moment estimate vanishes and ε dominates, Section 6.3).
    case secondMomentBelowEpsilon = "second_moment_below_epsilon"

    /// The name (`train_loss`), also what string interpolation prints.
    public var description: String { rawValue }

    /// Whether higher values are better (accuracies); every other metric is a cost, and claims and
    /// selections compare it as it is (lower is better).
    public var higherIsBetter: Bool { self == .trainAccuracy || self == .testAccuracy }

    /// Whether the metric measures the machine rather than the run (memory of the whole process,
    /// which depends on the runs beside it): recorded, but left out of curve hashes.
    public var isMachineDependent: Bool { self == .peakResidentBytes }

    /// The metrics a spec may select by or make a claim on: the epoch-end curves of every run.
    public static let comparable: [MetricName] = [
        .trainLoss, .objective, .testLoss, .testAccuracy, .trainAccuracy, .minibatchLossMean,
        .secondMomentBelowEpsilon,
    ]
}

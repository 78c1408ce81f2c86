/// The learning rate in force at step t (1-based), given the configured lr.
///
/// - `constant`: lr_t = lr.
/// - `inverse-sqrt`: lr_t = lr / sqrt(t), the decay of the paper's logistic-regression experiments
///   (Section 6.1) and of its convergence analysis; t counts optimizer steps.
public enum LearningRateSchedule: String, Sendable, CaseIterable, Codable {
    case constant
    case inverseSqrt = "inverse-sqrt"

    public func learningRate(base lr: Double, step t: Int) -> Double {
        switch self {
        case .constant: return lr
        case .inverseSqrt: return lr / Double(t).squareRoot()
        }
    }
}

/// The optimizers of the catalogue, by the names the spec format and the trace contract use.
public enum OptimizerKind: String, Sendable, CaseIterable, Codable {
    case sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamax, nadam, amsgrad, adamw

    /// Whether the optimizer has a `beta2` (temporal averaging then reuses it as its decay).
    var hasBeta2: Bool {
        switch self {
        case .adam, .adamax, .nadam, .amsgrad, .adamw: return true
        default: return false
        }
    }
}

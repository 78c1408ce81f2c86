/// The optimizers of the catalogue, by the names the spec format and the trace contract use.
/// `sfo` and `lbfgs` are quasi-Newton methods that evaluate the objective themselves (module
/// QuasiNewton, driven by the runner); their settings live here so that specs, run keys and
/// reports treat every optimizer alike, but they have no `UpdateRule` and no trace.
public enum OptimizerKind: String, Sendable, CaseIterable, Codable {
    case sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamax, nadam, amsgrad, adamw
    case radam, adabelief, lion
    case scheduleFreeAdamW = "schedule-free-adamw"
    case adafactor
    case sfo, lbfgs

    /// Whether the optimizer evaluates the objective itself (SFO, L-BFGS) instead of applying an
    /// update rule to one gradient per step.
    public var drivesObjective: Bool { self == .sfo || self == .lbfgs }

    /// The optimizers with an update rule: one gradient in, one step out.
    public static var gradientKinds: [OptimizerKind] { allCases.filter { !$0.drivesObjective } }

    /// Whether the update rule works tensor by tensor and so needs the model's tensor shapes (the
    /// parameter layout's views); the others see one flat vector.
    public var usesTensorShapes: Bool { self == .adafactor }

    /// Whether the optimizer has a `beta2` (temporal averaging then reuses it as its decay).
    var hasBeta2: Bool {
        switch self {
        case .adam, .adamax, .nadam, .amsgrad, .adamw, .radam, .adabelief, .scheduleFreeAdamW: return true
        default: return false
        }
    }
}

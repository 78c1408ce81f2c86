/// What runs a configuration, with its hyperparameters typed: read once, when the configuration is
/// resolved (`OptimizerConfiguration.method`), so no field is looked up by name afterwards.
///
/// A gradient optimizer is an update rule (`UpdateRuleSettings`, built by `Optimizer`); SFO and
/// L-BFGS evaluate the objective themselves (the runner drives them) and have no update rule, so
/// they cannot reach one.
public enum OptimizerMethod: Sendable, Hashable {
    case rule(UpdateRuleSettings)
    case sfo(SFOOptions)
    case lbfgs(LBFGSOptions)

    init(_ fields: FieldReader) throws(OptimizerError) {
        switch fields.kind {
        case .sfo: self = .sfo(try SFOOptions(fields))
        case .lbfgs: self = .lbfgs(try LBFGSOptions(fields))
        default: self = .rule(try UpdateRuleSettings(fields))
        }
    }

    /// The update rule's settings, nil for the quasi-Newton methods.
    public var rule: UpdateRuleSettings? {
        guard case .rule(let settings) = self else { return nil }
        return settings
    }
}

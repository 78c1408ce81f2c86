/// A configuration problem, naming the optimizer and the field and saying what is expected.
public struct OptimizerError: Error, Equatable, CustomStringConvertible {
    public let optimizer: String
    public let field: String?
    public let message: String

    public init(optimizer: String, field: String?, message: String) {
        self.optimizer = optimizer
        self.field = field
        self.message = message
    }

    public var description: String {
        if let field { return "optimizer '\(optimizer)', field '\(field)': \(message)" }
        return "optimizer '\(optimizer)': \(message)"
    }

    /// SFO and L-BFGS asked for an update rule: they evaluate the objective themselves.
    static func noUpdateRule(_ kind: OptimizerKind) -> OptimizerError {
        OptimizerError(
            optimizer: kind.rawValue, field: nil,
            message: "evaluates the objective itself and has no update rule (the runner drives it)")
    }
}

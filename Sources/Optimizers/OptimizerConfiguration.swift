/// A fully resolved optimizer setting: the optimizer, the preset it started from, and the value of
/// every one of its hyperparameters (defaults, then the preset, then explicit values).
///
/// `values` is the "full convention set" recorded with each run, so a result can be read without
/// knowing which defaults were in force when it was produced.
public struct OptimizerConfiguration: Sendable, Hashable {
    public let kind: OptimizerKind
    public let preset: Preset?
    public let values: [String: HyperparameterValue]
    /// What runs this configuration, its hyperparameters typed (read once, here).
    public let method: OptimizerMethod

    /// Every problem found while resolving (unknown names, wrong types, out-of-range values).
    public struct Errors: Error, CustomStringConvertible {
        public let errors: [OptimizerError]
        public var description: String { errors.map(\.description).joined(separator: "\n") }
    }

    /// Resolves `hyperparameters` for optimizer `name`. A `preset` key among the hyperparameters is
    /// accepted as well as the `preset` argument. Throws `Errors` listing every problem at once.
    public init(name: String, hyperparameters: [String: HyperparameterValue], preset presetName: String? = nil) throws {
        guard let kind = OptimizerKind(rawValue: name) else {
            throw Errors(errors: [
                OptimizerError(
                    optimizer: name, field: nil,
                    message:
                        "unknown optimizer; expected one of \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", "))"
                        + Suggestion.hint(for: name, among: OptimizerKind.allCases.map(\.rawValue)))
            ])
        }
        var problems: [OptimizerError] = []
        var explicit = hyperparameters
        var presetText = presetName
        if let value = explicit.removeValue(forKey: "preset") {
            if case .string(let s) = value {
                presetText = s
            } else {
                problems.append(
                    OptimizerError(
                        optimizer: name, field: "preset",
                        message: "expected a preset name, got \(value.typeName) '\(value)'"))
            }
        }
        var preset: Preset?
        if let presetText {
            preset = Preset(rawValue: presetText)
            if preset == nil {
                let names = Preset.allCases.map(\.rawValue)
                problems.append(
                    OptimizerError(
                        optimizer: name, field: "preset",
                        message:
                            "unknown preset '\(presetText)'; expected one of \(names.joined(separator: ", "))"
                            + Suggestion.hint(for: presetText, among: names)))
            }
        }
        let fields = kind.fields
        let fieldNames = fields.map(\.name)
        for key in explicit.keys.sorted() where !fieldNames.contains(key) {
            problems.append(
                OptimizerError(
                    optimizer: name, field: key,
                    message:
                        "unknown hyperparameter; \(name) takes \(fieldNames.joined(separator: ", "))"
                        + Suggestion.hint(for: key, among: fieldNames)))
        }
        var values: [String: HyperparameterValue] = [:]
        let presetValues = preset?.overrides(for: kind) ?? [:]
        for field in fields {
            let value = explicit[field.name] ?? presetValues[field.name] ?? field.defaultValue
            if let problem = field.domain.problem(with: value) {
                problems.append(OptimizerError(optimizer: name, field: field.name, message: problem))
            }
            values[field.name] = value
        }
        guard problems.isEmpty else { throw Errors(errors: problems) }
        do {
            method = try OptimizerMethod(FieldReader(kind: kind, values: values))
        } catch {
            throw Errors(errors: [error])
        }
        self.kind = kind
        self.preset = preset
        self.values = values
    }

    /// The default setting of `kind` (no preset, no explicit values).
    public static func defaults(_ kind: OptimizerKind) -> OptimizerConfiguration {
        // The catalogue's own defaults always validate.
        try! OptimizerConfiguration(name: kind.rawValue, hyperparameters: [:])
    }

    /// The base learning rate `lr`; nil for the optimizers without one (SFO).
    public var learningRate: Double? { values["lr"]?.number }

    /// The hyperparameters that identify a run (its key): every resolved value, less the fields
    /// added later that are still at their defaults (`OptimizerKind.fieldsKeyedOnlyOffDefault`).
    public var keyedValues: [String: HyperparameterValue] {
        values.filter { OptimizerKind.fieldsKeyedOnlyOffDefault[$0.key] != $0.value }
    }
    /// The names of every hyperparameter `kind` accepts (plus `preset`), for documentation and hints.
    public static func fieldNames(_ kind: OptimizerKind) -> [String] { kind.fields.map(\.name) }
}

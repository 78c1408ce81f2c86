/// Reads a resolved configuration's values by field name, once, when the configuration is built
/// (`OptimizerMethod`). The values were validated against `OptimizerKind.fields`, so a failure here
/// means the catalogue and the code that reads it disagree (a misspelt name): it is reported as an
/// `OptimizerError` from `OptimizerConfiguration.init`, never as a trap later.
struct FieldReader {
    let kind: OptimizerKind
    let values: [String: HyperparameterValue]

    func number(_ field: String) throws(OptimizerError) -> Double {
        guard case .number(let x)? = values[field] else { throw missing(field, "a number") }
        return x
    }

    func integer(_ field: String) throws(OptimizerError) -> Int { Int(try number(field)) }

    func flag(_ field: String) throws(OptimizerError) -> Bool {
        guard case .bool(let b)? = values[field] else { throw missing(field, "a boolean") }
        return b
    }

    func word(_ field: String) throws(OptimizerError) -> String {
        guard case .string(let s)? = values[field] else { throw missing(field, "a choice") }
        return s
    }

    /// A choice field as the enum whose raw values are its options.
    func choice<Choice: RawRepresentable>(
        _ field: String, as _: Choice.Type = Choice.self
    ) throws(OptimizerError) -> Choice where Choice.RawValue == String {
        let text = try word(field)
        guard let choice = Choice(rawValue: text) else { throw missing(field, "one of \(Choice.self)'s names") }
        return choice
    }

    /// Whether a choice field holds `option`.
    func word(_ field: String, is option: String) throws(OptimizerError) -> Bool { try word(field) == option }

    private func missing(_ field: String, _ expected: String) -> OptimizerError {
        OptimizerError(
            optimizer: kind.rawValue, field: field,
            message: "internal: the catalogue has no such field as \(expected) (OptimizerKind.fields)")
    }
}

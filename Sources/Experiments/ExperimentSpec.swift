/// A parsed, validated experiment spec (`experiments/*.yaml`; format in docs/SPEC.md).
public struct ExperimentSpec: Sendable, Hashable, Codable {
    public var name: String
    public var title: String
    /// Where in the paper: section and figure.
    public var section: String
    public var figure: String
    public var data: DataSpec
    public var model: ModelSpec
    public var training: TrainingSpec
    public var optimizers: [OptimizerEntry]
    public var selection: SelectionRule
    public var scales: [String: ScaleProfile]
    public var claims: [ClaimSpec]
    /// Notes for the report (e.g. what is missing and why).
    public var notes: [String]
    /// The file's text and path, recorded with every run.
    public var sourceText: String
    public var sourcePath: String
}

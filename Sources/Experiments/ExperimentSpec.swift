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
    /// Tuning stages (nil = every setting on every seed), overridable per scale.
    public var tuning: TuningProtocol? = nil
    public var scales: [String: ScaleProfile]
    public var claims: [ClaimSpec]
    /// Notes for the report (e.g. what is missing and why).
    public var notes: [String]
    /// Values read off the paper's figure, per optimizer label, on the metric the spec selects by
    /// (`paper.values`), for plots and reports.
    public var paperValues: [String: [PaperValue]] = [:]
    /// The file's text and path, recorded with every run.
    public var sourceText: String
    public var sourcePath: String
}

/// A point read off one of the paper's figures: the training cost at an epoch (approximate).
public struct PaperValue: Sendable, Hashable, Codable {
    public var epoch: Double
    public var value: Double

    public init(epoch: Double, value: Double) {
        self.epoch = epoch
        self.value = value
    }
}

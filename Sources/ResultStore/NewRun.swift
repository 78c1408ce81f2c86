import GRDB

/// What the runner registers for each planned run: its identity (`key`), what it trains and the
/// plan's cost estimate. Stored in the `runs` table (one column per property, `CodingKeys`), with the
/// experiment stored by its id: `RunInsertion` writes it, `RunRecord` reads it back by name.
public struct NewRun: Sendable, Equatable, Codable {
    public let key: String
    public let experiment: String
    public let scale: String
    public let label: String
    public let optimizer: String
    public let settingJSON: String
    public let conventionsJSON: String
    public let modelJSON: String
    public let dataJSON: String
    public let trainingJSON: String
    public let dataset: String
    public let datasetSHA256: String
    public let seed: UInt64
    public let epochsPlanned: Int
    public let estimatedFLOPs: Double

    public init(
        key: String, experiment: String, scale: String, label: String, optimizer: String, settingJSON: String,
        conventionsJSON: String, modelJSON: String, dataJSON: String, trainingJSON: String, dataset: String,
        datasetSHA256: String, seed: UInt64, epochsPlanned: Int, estimatedFLOPs: Double
    ) {
        self.key = key
        self.experiment = experiment
        self.scale = scale
        self.label = label
        self.optimizer = optimizer
        self.settingJSON = settingJSON
        self.conventionsJSON = conventionsJSON
        self.modelJSON = modelJSON
        self.dataJSON = dataJSON
        self.trainingJSON = trainingJSON
        self.dataset = dataset
        self.datasetSHA256 = datasetSHA256
        self.seed = seed
        self.epochsPlanned = epochsPlanned
        self.estimatedFLOPs = estimatedFLOPs
    }

    /// The `runs` columns. `experiment` is read from the joined experiment's name
    /// (`RunRecord.request`) and never written: the row refers to its experiment by id.
    enum CodingKeys: String, CodingKey, ColumnExpression {
        case key = "run_key"
        case experiment = "experiment_name"
        case scale, label, optimizer
        case settingJSON = "setting_json"
        case conventionsJSON = "conventions_json"
        case modelJSON = "model_json"
        case dataJSON = "data_json"
        case trainingJSON = "training_json"
        case dataset
        case datasetSHA256 = "dataset_sha256"
        case seed
        case epochsPlanned = "epochs_planned"
        case estimatedFLOPs = "estimated_flops"
    }

    /// Encodes every column but `experiment_name` (see `CodingKeys`).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(scale, forKey: .scale)
        try container.encode(label, forKey: .label)
        try container.encode(optimizer, forKey: .optimizer)
        try container.encode(settingJSON, forKey: .settingJSON)
        try container.encode(conventionsJSON, forKey: .conventionsJSON)
        try container.encode(modelJSON, forKey: .modelJSON)
        try container.encode(dataJSON, forKey: .dataJSON)
        try container.encode(trainingJSON, forKey: .trainingJSON)
        try container.encode(dataset, forKey: .dataset)
        try container.encode(datasetSHA256, forKey: .datasetSHA256)
        try container.encode(seed, forKey: .seed)
        try container.encode(epochsPlanned, forKey: .epochsPlanned)
        try container.encode(estimatedFLOPs, forKey: .estimatedFLOPs)
    }
}

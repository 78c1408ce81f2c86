import Foundation

/// A run as stored: identity, configuration (JSON texts), status and progress.
public struct RunRecord: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case pending, running, completed, diverged, failed
    }

    public let id: Int64
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
    public let status: Status
    public let epochsCompleted: Int
    public let stepsCompleted: Int
    public let divergedStep: Int?
    public let lastFiniteLoss: Double?
    public let errorText: String?
    public let owner: String?
    public let trainSeconds: Double
    public let provenanceJSON: String?
    /// Remarks the runner stored with the run (a JSON array of strings), e.g. SFO trained with dropout.
    public let notesJSON: String?

    /// The run's notes.
    public var notes: [String] {
        guard let notesJSON, let notes = try? JSONDecoder().decode([String].self, from: Data(notesJSON.utf8)) else {
            return []
        }
        return notes
    }
}

/// What the runner registers for each planned run.
public struct NewRun: Sendable {
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
}

/// A run's resumable state at an epoch end.
public struct Checkpoint: Sendable, Equatable {
    public let epoch: Int
    public let step: Int
    public let parameters: [UInt8]
    public let optimizerState: [UInt8]
    /// Generator states (JSON), e.g. {"shuffle": [...], "dropout": [...]}.
    public let rngState: String
    public let trainSeconds: Double

    public init(
        epoch: Int, step: Int, parameters: [UInt8], optimizerState: [UInt8], rngState: String, trainSeconds: Double
    ) {
        self.epoch = epoch
        self.step = step
        self.parameters = parameters
        self.optimizerState = optimizerState
        self.rngState = rngState
        self.trainSeconds = trainSeconds
    }
}

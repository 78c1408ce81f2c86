import GRDB

/// What has happened to a run since it was planned: its status, progress, outcome and the record of
/// where it ran. Columns of the `runs` table (`CodingKeys`); part of every `RunRecord`.
public struct RunState: Sendable, Equatable, Codable {
    /// A run's status. A stored value outside these cases is an error when read, never a guess.
    public enum Status: String, Sendable, CaseIterable, Codable, DatabaseValueConvertible {
        case pending, running, completed, diverged, failed
    }

    public var status: Status
    public var epochsCompleted: Int
    public var stepsCompleted: Int
    public var divergedStep: Int?
    public var lastFiniteLoss: Double?
    public var errorText: String?
    public var owner: String?
    public var trainSeconds: Double
    public var provenanceJSON: String?
    /// Remarks the runner stored with the run (a JSON array of strings), e.g. SFO trained with dropout.
    public var notesJSON: String?

    public init(
        status: Status, epochsCompleted: Int, stepsCompleted: Int, divergedStep: Int?, lastFiniteLoss: Double?,
        errorText: String?, owner: String?, trainSeconds: Double, provenanceJSON: String?, notesJSON: String?
    ) {
        self.status = status
        self.epochsCompleted = epochsCompleted
        self.stepsCompleted = stepsCompleted
        self.divergedStep = divergedStep
        self.lastFiniteLoss = lastFiniteLoss
        self.errorText = errorText
        self.owner = owner
        self.trainSeconds = trainSeconds
        self.provenanceJSON = provenanceJSON
        self.notesJSON = notesJSON
    }

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case status
        case epochsCompleted = "epochs_completed"
        case stepsCompleted = "steps_completed"
        case divergedStep = "diverged_step"
        case lastFiniteLoss = "last_finite_loss"
        case errorText = "error_text"
        case owner
        case trainSeconds = "train_seconds"
        case provenanceJSON = "provenance_json"
        case notesJSON = "notes_json"
    }
}

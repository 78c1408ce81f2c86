import Foundation
import GRDB

/// A run as stored: what was planned (`planned`, whose properties read through: `record.seed`) and
/// what has happened since (`state`, likewise: `record.status`). A GRDB record of the `runs` table
/// joined to its experiment's name (`RunRecord.request()`); decoding fails, naming the column, on
/// a value no property admits (an unknown status, a missing column).
@dynamicMemberLookup
public struct RunRecord: Sendable, Equatable, Decodable, FetchableRecord, TableRecord {
    public typealias Status = RunState.Status
    public static let databaseTableName = "runs"

    public let id: Int64
    public let planned: NewRun
    public let state: RunState

    public subscript<Value>(dynamicMember keyPath: KeyPath<NewRun, Value>) -> Value { planned[keyPath: keyPath] }
    public subscript<Value>(dynamicMember keyPath: KeyPath<RunState, Value>) -> Value { state[keyPath: keyPath] }

    /// The run's notes.
    public var notes: [String] {
        guard let notesJSON = state.notesJSON,
            let notes = try? JSONDecoder().decode([String].self, from: Data(notesJSON.utf8))
        else { return [] }
        return notes
    }

    /// The columns the store's queries name (those of `planned` and `state` are their coding keys).
    public enum Columns {
        static let id = Column("id")
        static let key = NewRun.CodingKeys.key
        static let estimatedFLOPs = NewRun.CodingKeys.estimatedFLOPs
        static let status = RunState.CodingKeys.status
        static let owner = RunState.CodingKeys.owner
        static let experimentID = Column("experiment_id")
        static let heartbeatAt = Column("heartbeat_at")
        static let startedAt = Column("started_at")
        static let finishedAt = Column("finished_at")
    }

    static let experimentRow = belongsTo(ExperimentRecord.self, using: ForeignKey(["experiment_id"]))

    /// Every run with its experiment's name, ordered by id: the request each `RunRecord` comes from.
    static func request() -> QueryInterfaceRequest<RunRecord> {
        all()
            .annotated(withRequired: experimentRow.select(ExperimentRecord.Columns.name.forKey("experiment_name")))
            .order(Columns.id)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        planned = try NewRun(from: decoder)
        state = try RunState(from: decoder)
    }

    enum CodingKeys: String, CodingKey { case id }
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

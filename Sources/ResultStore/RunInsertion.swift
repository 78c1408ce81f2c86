import GRDB

/// The `runs` row written for a planned run: its `NewRun` columns under its experiment's id, and,
/// for a run copied from another database (`ResultStore.merge`), the state it ended in. Without a
/// state the row takes the table's defaults: pending, nothing done.
struct RunInsertion: Encodable, PersistableRecord {
    static let databaseTableName = RunRecord.databaseTableName

    let planned: NewRun
    let experimentID: Int64
    var state: RunState?
    var finishedAt: String?

    func encode(to encoder: Encoder) throws {
        try planned.encode(to: encoder)
        try state?.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(experimentID, forKey: .experimentID)
        try container.encodeIfPresent(finishedAt, forKey: .finishedAt)
    }

    enum CodingKeys: String, CodingKey {
        case experimentID = "experiment_id"
        case finishedAt = "finished_at"
    }
}

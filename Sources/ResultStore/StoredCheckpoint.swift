import Foundation
import GRDB

/// A row of the `checkpoints` table: a run's `Checkpoint` under its run's id (one per run, replaced
/// at each epoch end).
struct StoredCheckpoint: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "checkpoints"

    var runID: Int64
    var epoch: Int
    var step: Int
    var parameters: Data
    var optimizerState: Data
    var rngState: String
    var trainSeconds: Double
    var createdAt: String

    init(_ checkpoint: Checkpoint, runID: Int64) {
        self.runID = runID
        epoch = checkpoint.epoch
        step = checkpoint.step
        parameters = Data(checkpoint.parameters)
        optimizerState = Data(checkpoint.optimizerState)
        rngState = checkpoint.rngState
        trainSeconds = checkpoint.trainSeconds
        createdAt = ResultStore.timestamp()
    }

    var checkpoint: Checkpoint {
        Checkpoint(
            epoch: epoch, step: step, parameters: [UInt8](parameters), optimizerState: [UInt8](optimizerState),
            rngState: rngState, trainSeconds: trainSeconds)
    }

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case runID = "run_id"
        case epoch, step, parameters
        case optimizerState = "optimizer_state"
        case rngState = "rng_state"
        case trainSeconds = "train_seconds"
        case createdAt = "created_at"
    }

    typealias Columns = CodingKeys
}

import GRDB

/// A row of the `metrics` table: a run's `MetricPoint` under its run's id, its value both readable
/// (`value`, NULL for a NaN) and exact (`bits`, from which it is read back).
struct StoredMetric: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "metrics"

    var runID: Int64
    var name: String
    var step: Int
    var epoch: Double
    var value: Double?
    var bits: Int64
    var wallSeconds: Double

    init(_ point: MetricPoint, runID: Int64) {
        self.runID = runID
        name = point.name
        step = point.step
        epoch = point.epoch
        (value, bits) = point.stored
        wallSeconds = point.wallSeconds
    }

    var point: MetricPoint {
        MetricPoint(
            name: name, step: step, epoch: epoch, value: MetricPoint.value(bits: bits), wallSeconds: wallSeconds)
    }

    /// Writes `metrics` of the run `runID`, replacing points of the same name and step, through one
    /// cached statement: recording and merging write metrics by the hundred thousand, and GRDB's
    /// per-record `insert` takes 2.4x as long (`adam-bench bench store`: 157k against 374k rows/s).
    static func insert(_ metrics: [MetricPoint], runID: Int64, db: Database) throws {
        let statement = try db.cachedStatement(sql: insertSQL)
        for point in metrics {
            let row = StoredMetric(point, runID: runID)
            try statement.execute(
                arguments: [row.runID, row.name, row.step, row.epoch, row.value, row.bits, row.wallSeconds])
        }
    }

    /// `INSERT OR REPLACE` of every column, in `CodingKeys` order.
    static let insertSQL: String = {
        let columns = CodingKeys.allCases.map(\.rawValue)
        return "INSERT OR REPLACE INTO \(databaseTableName) (\(columns.joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    }()

    enum CodingKeys: String, CodingKey, ColumnExpression, CaseIterable {
        case runID = "run_id"
        case name, step, epoch, value, bits
        case wallSeconds = "wall_seconds"
    }

    typealias Columns = CodingKeys
}

import Foundation
import GRDB

/// SQLite files for tests, written in the test process through GRDB, as another application (or a
/// damaged or altered copy) would leave them: none of this goes through `ResultStore` and its checks.
public enum SQLiteFile {
    /// Runs `sql` (one or more statements) on the database at `path`, creating the file if needed.
    public static func execute(_ sql: String, at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
        try queue.close()
    }

    /// `PRAGMA integrity_check`'s first line for the database at `path` ("ok" when intact), or the
    /// error that opening or reading it gave.
    public static func integrityCheck(_ path: String) -> String {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } ?? "no result"
        } catch {
            return "\(error)"
        }
    }
}

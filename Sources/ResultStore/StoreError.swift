import Foundation
import GRDB

/// A problem with a results database: names the file and says what was expected.
///
/// `reason` separates what is wrong with the input (`.invalid`: not ours, newer, damaged on arrival)
/// from a storage failure met while working (the disk filling up, an I/O error, another process
/// holding the write lock past the busy timeout, a file that cannot be written): after one of those,
/// everything committed before is still in the file — SQLite rolled the failed write back — and
/// running the same command again, once the cause is gone, resumes where it stopped.
public struct StoreError: Error, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The file is not a database this version can use, or a request names something absent.
        case invalid
        /// SQLITE_FULL: the file system has no space left (or a file size limit was reached).
        case diskFull
        /// SQLITE_IOERR: the operating system failed a read or write.
        case ioError
        /// SQLITE_BUSY / SQLITE_LOCKED: another connection held the lock past the busy timeout.
        case locked
        /// SQLITE_READONLY / SQLITE_CANTOPEN / SQLITE_PERM: the file or its folder cannot be written.
        case notWritable
        /// SQLITE_CORRUPT / SQLITE_NOTADB met while working.
        case damaged
    }

    public let reason: Reason
    public let description: String

    public init(_ description: String, reason: Reason = .invalid) {
        self.reason = reason
        self.description = description
    }

    /// True for the failures of the storage under a valid database (see the type's comment).
    public var isStorageFailure: Bool { reason != .invalid && reason != .damaged }

    /// `error` as a `StoreError` naming `path` when it is one of SQLite's storage failures or a
    /// stored row that does not decode into its record (an unknown status, say); any other error unchanged (constraint violations are programming errors and keep GRDB's text).
    static func mapping(_ error: Error, path: String, busyTimeout: Double) -> Error {
        if let error = error as? RowDecodingError {
            return StoreError(
                "\(path): a stored row does not decode (\(error)); expected the values AdamBench writes "
                    + "(the database is damaged or was altered outside AdamBench)", reason: .damaged)
        }
        guard let error = error as? DatabaseError else { return error }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let sqlite = "SQLite error \(error.extendedResultCode.rawValue): \(error.message ?? "\(error.resultCode)")"
        let resume = "everything recorded before is kept; run the same command again to resume"
        switch error.resultCode {
        case .SQLITE_FULL:
            return StoreError(
                "\(path): the disk is full (\(sqlite)); \(resume) once space is free on the file system of \(folder)",
                reason: .diskFull)
        case .SQLITE_IOERR:
            return StoreError(
                "\(path): the file system failed a read or write (\(sqlite)); \(resume) once the disk works",
                reason: .ioError)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(
                "\(path): another process has held the database's write lock for over \(Format.seconds(busyTimeout)) "
                    + "(\(sqlite)); expected it to finish its write within the busy timeout (ADAMBENCH_BUSY_TIMEOUT, "
                    + "seconds); \(resume) when that process is done",
                reason: .locked)
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return StoreError(
                "\(path): cannot write the database (\(sqlite)); expected a file and folder this user may write "
                    + "(SQLite keeps \(URL(fileURLWithPath: path).lastPathComponent)-wal and -shm beside it)",
                reason: .notWritable)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return StoreError(
                "\(path): the database is damaged (\(sqlite)); expected an intact AdamBench results database",
                reason: .damaged)
        default:
            return error
        }
    }

    /// What to say of a database that holds no runs where runs were expected. The usual cause is a
    /// copy of the `.sqlite` file made without its `-wal` while a process was still writing.
    public static func noRuns(_ path: String) -> String {
        "\(path): holds no runs; expected a results database with recorded runs (a copy of the .sqlite "
            + "file made without its -wal while a run was writing holds none: copy it after the run has ended, "
            + "or together with its -wal)"
    }

    /// The busy timeout of every connection, in seconds: `ADAMBENCH_BUSY_TIMEOUT` when set (a
    /// positive number), else 60.
    static func busyTimeout(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Double {
        guard let text = environment["ADAMBENCH_BUSY_TIMEOUT"], !text.isEmpty else { return 60 }
        guard let seconds = Double(text), seconds.isFinite, seconds > 0 else {
            throw StoreError("ADAMBENCH_BUSY_TIMEOUT=\(text): expected a positive number of seconds")
        }
        return seconds
    }

    private enum Format {
        static func seconds(_ value: Double) -> String {
            value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
        }
    }
}

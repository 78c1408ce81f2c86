import Crypto
import Foundation
import GRDB

/// An experiment as stored: its spec's name, title, path and text (the `experiments` table). Runs
/// refer to it by `id`; registering a spec again under its name replaces the rest.
public struct ExperimentRecord: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "experiments"

    public var id: Int64?
    public var name: String
    public var title: String
    public var specPath: String
    public var specText: String
    /// SHA-256 of `specText` (UTF-8), lower-case hex.
    public var specSHA256: String
    /// ISO 8601, when the spec was last registered.
    public var updatedAt: String

    /// A record for `specText`, its hash and the time now (`id` assigned when stored).
    init(name: String, title: String, specPath: String, specText: String) {
        self.name = name
        self.title = title
        self.specPath = specPath
        self.specText = specText
        specSHA256 = SHA256.hash(data: Data(specText.utf8)).map { String(format: "%02x", $0) }.joined()
        updatedAt = ResultStore.timestamp()
    }

    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, title
        case specPath = "spec_path"
        case specText = "spec_text"
        case specSHA256 = "spec_sha256"
        case updatedAt = "updated_at"
    }

    public typealias Columns = CodingKeys
}

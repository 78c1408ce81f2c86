import Foundation

/// The provenance stored with a run (`runs.provenance_json`, docs/STORE.md): the process's
/// `Provenance` plus the exact data the run used. Written by the runner, read by the reports.
public struct RunProvenance: Sendable, Codable, Equatable {
    public let base: Provenance
    /// The dataset's fingerprint (of the verified files) and each split's.
    public let datasetSHA256: String
    public let splits: [String: String]
    /// The ZCA transform's fingerprint, for whitened image data.
    public let whitening: String?
    /// The tokenizer's description, for IMDB.
    public let tokenizer: String?

    public init(
        base: Provenance, datasetSHA256: String, splits: [String: String], whitening: String?, tokenizer: String?
    ) {
        self.base = base
        self.datasetSHA256 = datasetSHA256
        self.splits = splits
        self.whitening = whitening
        self.tokenizer = tokenizer
    }

    /// The stored form: JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The provenance recorded with `record`, nil when none was recorded (a run not yet started).
    /// A recorded text that does not decode is an error naming the run, never "not recorded".
    public init?(record: RunRecord) throws {
        guard let json = record.provenanceJSON else { return nil }
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(json.utf8))
        } catch {
            throw StoreError(
                "run \(record.key.prefix(12)) (\(record.experiment) \(record.label) seed \(record.seed)): "
                    + "its recorded provenance does not decode (\(error)); expected the fields of docs/STORE.md")
        }
    }

    /// The OpenBLAS kernel set the run was computed under, lower-case as run keys name it.
    public var kernelSet: String { base.openBLASCore.lowercased() }
}

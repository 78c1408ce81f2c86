import Foundation
import ResultStore

/// A run's provenance as the reports read it back from `provenance_json` (written by the runner's
/// `ProvenanceRecord`): the process's `base` (commit, toolchain, OpenBLAS kernel set, CPU, OS, numerics
/// version) and the data's fingerprints.
struct RecordedProvenance: Decodable {
    struct Base: Decodable {
        let gitCommit: String
        let gitDirty: Bool
        let swiftVersion: String
        let openBLASCore: String
        let cpu: String
        let os: String
        let numericsVersion: Int
    }

    let base: Base
    let datasetSHA256: String
    let whitening: String?
    let tokenizer: String?

    /// The provenance recorded with `record`; nil when none was recorded or it does not decode.
    init?(_ record: RunRecord) {
        guard let json = record.provenanceJSON,
            let decoded = try? JSONDecoder().decode(Self.self, from: Data(json.utf8))
        else { return nil }
        self = decoded
    }

    /// The OpenBLAS kernel set the run was computed under, lower-case as run keys name it.
    var kernelSet: String { base.openBLASCore.lowercased() }
}

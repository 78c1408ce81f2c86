import ArgumentParser
import Foundation
import ResultStore

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge shard databases (adam-bench run --shard) into one database.",
        discussion: """
            Copies every finished (and failed) run of the shards, with its metrics, provenance and notes, and the specs, \
            in one transaction. Idempotent and independent of the order of the shards: a run already present is kept. \
            A run finished in two places with different curves, or an experiment whose spec differs between shards, \
            is refused with the run (or experiment) and both files named, and nothing is written. Foreign and \
            newer-schema databases are refused. Runs of different OpenBLAS kernel sets have different keys and stay \
            apart (reports take one set). Exit status: 0 merged, 1 refused.
            """)

    @Option(help: "The database to merge into; created when missing.")
    var into: String

    @Argument(help: "Shard databases.")
    var shards: [String]

    func run() throws {
        guard !shards.isEmpty else { throw CommandFailure("merge: expected at least one shard database") }
        let target: ResultStore
        let sources: [ResultStore]
        do {
            sources = try shards.map { path in
                guard FileManager.default.fileExists(atPath: path) else {
                    throw StoreError("\(path): no such database")
                }
                return try ResultStore(path: path, readOnly: true)
            }
            target = try ResultStore(path: into)
        } catch let e as StoreError { throw CommandFailure(e.description) }
        let summary: MergeSummary
        do { summary = try target.merge(from: sources) } catch let e as StoreError {
            throw CommandFailure(e.description)
        }
        target.checkpointIfLastWriter()
        print(
            "merged \(shards.count) database\(shards.count == 1 ? "" : "s") into \(into): \(summary.added) runs added, "
                + "\(summary.failuresAdded) failed runs added, \(summary.alreadyPresent) already present")
    }
}

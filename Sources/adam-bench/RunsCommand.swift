import ArgumentParser
import Foundation
import ResultStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract:
            "One tab-separated line per recorded run: key, experiment, optimizer, hyperparameters, seed, status, epochs, curve hash.",
        discussion: """
            The curve hash is SHA-256 over the run's metrics ordered by name then step: each name's UTF-8 bytes and a 0 byte,
            the step as a little-endian Int64, and the value's IEEE-754 bits as a little-endian UInt64 (NaN canonical).
            Wall-clock times are excluded, so equal hashes mean bit-identical curves.
            """)

    @Option(help: "The results database.")
    var db: String

    @Option(help: "Only this experiment.")
    var experiment: String?

    func run() throws {
        guard FileManager.default.fileExists(atPath: db) else { throw CommandFailure("--db \(db): no such database") }
        let store: ResultStore
        do { store = try ResultStore(path: db, readOnly: true) } catch let e as StoreError {
            throw CommandFailure(e.description)
        }
        if try store.holdsNoRuns() { FileHandle.standardError.write(Data("note: \(StoreError.noRuns(db))\n".utf8)) }
        for run in try store.runs(experiment: experiment) {
            let hash = try store.curveHash(runID: run.id)
            print(
                [
                    run.key, run.experiment, run.label, run.settingJSON, String(run.seed), run.status.rawValue,
                    String(run.epochsCompleted), hash,
                ].joined(separator: "\t"))
        }
    }
}

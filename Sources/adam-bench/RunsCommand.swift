import ArgumentParser
import Foundation
import Optimizers
import ResultStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract:
            "One tab-separated line per recorded run: key, experiment, optimizer, hyperparameters, seed, status, epochs, curve hash (or, with --format json, one JSON array of them).",
        discussion: """
            The curve hash is SHA-256 over the run's metrics ordered by name then step: each name's UTF-8 bytes and a 0 byte, \
            the step as a little-endian Int64, and the value's IEEE-754 bits as a little-endian UInt64 (NaN canonical). \
            Wall-clock times are excluded, so equal hashes mean bit-identical curves.
            """)

    @Option(help: "The results database.")
    var db: String

    @Option(help: "Only this experiment.")
    var experiment: String?

    @Option(help: "tsv (one line per run) or json (an array of objects with the same fields, for programs).")
    var format: Format = .tsv

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case tsv, json
    }

    /// One run as `--format json` prints it (snake_case keys, as the store's columns).
    struct Line: Encodable {
        var key: String
        var experiment: String
        var label: String
        var setting: [String: HyperparameterValue]
        var seed: UInt64
        var status: String
        var epochs: Int
        var curveHash: String

        enum CodingKeys: String, CodingKey {
            case key, experiment, label, setting, seed, status, epochs
            case curveHash = "curve_hash"
        }
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: db) else { throw CommandFailure("--db \(db): no such database") }
        let store: ResultStore
        do { store = try ResultStore(path: db, readOnly: true) } catch let e as StoreError {
            throw CommandFailure(e.description)
        }
        if try store.holdsNoRuns() { FileHandle.standardError.write(Data("note: \(StoreError.noRuns(db))\n".utf8)) }
        var lines: [Line] = []
        for run in try store.runs(experiment: experiment) {
            let hash = try store.curveHash(runID: run.id)
            if format == .tsv {
                print(
                    [
                        run.key, run.experiment, run.label, run.settingJSON, String(run.seed), run.status.rawValue,
                        String(run.epochsCompleted), hash,
                    ].joined(separator: "\t"))
                continue
            }
            let setting: [String: HyperparameterValue]
            do {
                setting = try JSONDecoder().decode([String: HyperparameterValue].self, from: Data(run.settingJSON.utf8))
            } catch {
                throw CommandFailure("--db \(db): run \(run.key.prefix(12)) has an unreadable setting (\(error))")
            }
            lines.append(
                Line(
                    key: run.key, experiment: run.experiment, label: run.label, setting: setting, seed: run.seed,
                    status: run.status.rawValue, epochs: run.epochsCompleted, curveHash: hash))
        }
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(lines), as: UTF8.self))
        }
    }
}

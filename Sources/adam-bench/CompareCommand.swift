import ArgumentParser
import Foundation
import Optimizers
import Reports
import ResultStore
import Vocabulary

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Tell what changed between two results databases, curve by curve, and exit accordingly (a CI gate).",
        discussion: """
            Pairs runs by key, and runs whose keys differ only in their numerics (numerics version, model revision, \
            kernel set) by the rest of their identity. Each pair is identical (same curve hash), within tolerance, \
            moved (largest relative difference: metric, epoch, both values) or status changed; unpaired runs are \
            missing or new. Per experiment: selected settings, claim verdicts, seconds per epoch. \
            Exit status: 0 nothing beyond the tolerances; 1 a regression (a curve moved beyond the tolerance, a \
            status got worse, a run missing, a claim's verdict changed, a slowdown beyond --max-slowdown); 2 bad \
            input. docs/COMPARE.md documents the output.
            """)

    @Argument(help: "The baseline database.")
    var baseline: String

    @Argument(help: "The candidate database.")
    var candidate: String

    @Option(help: "Only these experiments (repeatable).")
    var experiment: [String] = []

    @Option(help: "Only this scale.")
    var scale: String?

    @Option(help: "Relative tolerance per value (0 = identical values).")
    var tolerance: Double = 0

    @Option(help: "Metrics to compare, comma-separated (default: the ones each spec's selection and claims use).")
    var metrics: String?

    @Option(help: "Output format: markdown or json.")
    var format: String = "markdown"

    @Option(help: "Also write a JUnit XML file (one test case per run group and per claim).")
    var junit: String?

    @Option(help: "Seconds per epoch may grow by at most this factor (default: reported only).")
    var maxSlowdown: Double?

    func run() throws {
        do {
            let comparison = try compare()
            print(format == "json" ? try comparison.json() : comparison.markdown, terminator: "")
            if let junit {
                do {
                    try comparison.junit.write(toFile: junit, atomically: true, encoding: .utf8)
                } catch {
                    throw CommandFailure("--junit \(junit): cannot write (\(error.localizedDescription))")
                }
            }
            if comparison.regression { throw ExitCode(1) }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("Error: \(failure.description)\n".utf8))
            throw ExitCode(2)
        }
    }

    func compare() throws -> Comparison {
        guard ["markdown", "json"].contains(format) else {
            throw CommandFailure("--format: unknown format '\(format)'; expected markdown or json")
        }
        guard tolerance >= 0, tolerance.isFinite else {
            throw CommandFailure("--tolerance: \(tolerance); expected a finite number >= 0")
        }
        if let maxSlowdown, !(maxSlowdown >= 1 && maxSlowdown.isFinite) {
            throw CommandFailure("--max-slowdown: \(maxSlowdown); expected a finite factor >= 1")
        }
        let stores = try [baseline, candidate].map(Self.open)
        var options = Comparison.Options()
        options.tolerance = tolerance
        options.metrics = try metrics.map { list in
            try list.split(separator: ",").map { name in
                guard let metric = MetricName(rawValue: String(name)) else {
                    let names = MetricName.allCases.map(\.rawValue)
                    throw CommandFailure(
                        "--metrics: '\(name)' is not a metric; expected a comma-separated list of "
                            + names.joined(separator: ", ") + Suggestion.hint(for: String(name), among: names))
                }
                return metric
            }
        }
        options.experiments = experiment.isEmpty ? nil : experiment
        options.scale = scale
        options.maxSlowdown = maxSlowdown
        for (path, store) in zip([baseline, candidate], stores) {
            let known = try store.experiments().map(\.name)
            for name in experiment where !known.contains(name) {
                throw CommandFailure(
                    "--experiment: '\(name)' is not in \(path); it holds \(known.joined(separator: ", "))")
            }
        }
        return try Comparison.compare(
            baseline: stores[0], candidate: stores[1], names: (baseline, candidate), options: options)
    }

    /// Opens an existing, non-empty results database, or says in one line why it is not one.
    static func open(_ path: String) throws -> ResultStore {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CommandFailure("\(path): no such database file; expected an AdamBench results database")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size > 0 else { throw CommandFailure("\(path): empty file; expected an AdamBench results database") }
        let store: ResultStore
        do { store = try ResultStore(path: path, readOnly: true) } catch let e as StoreError {
            throw CommandFailure(e.description)
        }
        guard try !store.runs().isEmpty else {
            throw CommandFailure("\(path): holds no runs; expected a results database with recorded runs")
        }
        return store
    }
}

import ArgumentParser
import Foundation
import Reports
import ResultStore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render comparison tables (Markdown, CSV), SVG plots and claim verdicts from a results database.",
        discussion: """
            Writes OUT/REPORT.md (an index) and OUT/<experiment>/<scale>/ with REPORT.md, best_settings.csv, sensitivity.csv, \
            comparison.csv, curves_at_epochs.csv, claims.csv and training_loss.svg. The output is a pure function of the \
            database; a database still being written gives a report that marks its experiments incomplete.
            """)

    @Option(help: "The results database.")
    var db: String

    @Option(help: "Output folder.")
    var out: String = "results"

    @Option(help: "Formats to write, comma-separated: md, csv, svg.")
    var format: String = "md,csv,svg"

    @Option(help: "Only these experiments (repeatable).")
    var experiment: [String] = []

    @Option(
        help: ArgumentHelp(
            "Report the runs computed under this OpenBLAS kernel set (e.g. haswell, skylakex).",
            discussion:
                "By default each experiment reports the kernel set with the most finished runs; runs of other sets are counted, never mixed in."
        ))
    var kernels: String?

    func run() throws {
        var formats = Set<ReportWriter.Format>()
        for name in format.split(separator: ",").map(String.init) {
            guard let f = ReportWriter.Format(rawValue: name) else {
                throw CommandFailure("--format: unknown format '\(name)'; expected md, csv, svg")
            }
            formats.insert(f)
        }
        guard FileManager.default.fileExists(atPath: db) else { throw CommandFailure("--db \(db): no such database") }
        let store: ResultStore
        // Read-only: a report writes nothing into the database (it may still checkpoint its log,
        // below), and a database this user may not write (a shared or archived copy) is reported too.
        do { store = try ResultStore(path: db, readOnly: true) } catch let e as StoreError {
            throw CommandFailure(e.description)
        }
        if try store.holdsNoRuns() { throw CommandFailure(StoreError.noRuns(db)) }
        let known = try store.experiments().map(\.name)
        for name in experiment where !known.contains(name) {
            throw CommandFailure("--experiment: '\(name)' is not in \(db); it holds \(known.joined(separator: ", "))")
        }
        let results = try ExperimentResults.load(
            from: store, experiments: experiment.isEmpty ? nil : experiment,
            blasKernels: kernels)
        if let kernels, !results.contains(where: { $0.blasKernels == kernels.lowercased() }) {
            throw CommandFailure(
                "--kernels \(kernels): no run of \(db) was computed under that OpenBLAS kernel set "
                    + "(`adam-bench runs --db \(db)` lists the runs; their provenance names the set)")
        }
        store.checkpointIfLastWriter()
        let reports = results.map(ExperimentReport.init)
        let files = try ReportWriter(formats: formats).render(reports, store: store)
        let root = URL(fileURLWithPath: out)
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            let url = root.appendingPathComponent(path)
            do {
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure(
                    "\(url.path): cannot write the report (\(error.localizedDescription)); expected a writable folder")
            }
        }
        print(
            "wrote \(files.count) files under \(root.path) for \(reports.count) experiment/scale pair\(reports.count == 1 ? "" : "s")"
        )
    }
}

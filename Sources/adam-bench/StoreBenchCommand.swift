import ArgumentParser
import Foundation
import ResultStore

struct StoreBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Metric rows per second the results store sustains in batched inserts (one transaction per batch).",
        discussion:
            "The recording overhead of real runs is printed by every `adam-bench run` (recording: ... of run time).")

    @Option(help: "Rows to insert.")
    var rows: Int = 200_000

    @Option(help: "Rows per transaction (an epoch's metrics are one transaction in the runner).")
    var batch: Int = 1_000

    func run() throws {
        guard rows > 0, batch > 0 else { throw CommandFailure("--rows and --batch must be positive") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adambench-store-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try ResultStore(path: folder.appendingPathComponent("bench.sqlite").path)
        try store.registerExperiment(name: "bench", title: "store benchmark", specPath: "-", specText: "-")
        try store.ensureRuns([
            NewRun(
                key: "bench", experiment: "bench", scale: "-", label: "-", optimizer: "adam", settingJSON: "{}",
                conventionsJSON: "{}", modelJSON: "{}", dataJSON: "{}", trainingJSON: "{}", dataset: "-",
                datasetSHA256: "-", seed: 0, epochsPlanned: 0, estimatedFLOPs: 0)
        ])
        let runID = try store.runs()[0].id
        let start = DispatchTime.now().uptimeNanoseconds
        var written = 0
        while written < rows {
            let n = min(batch, rows - written)
            let points = (written..<(written + n)).map {
                MetricPoint(
                    name: "minibatch_loss", step: $0, epoch: Double($0) / 469, value: 1 / Double($0 + 1),
                    wallSeconds: Double($0) * 1e-3)
            }
            try store.insertMetrics(points, runID: runID)
            written += n
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        guard try store.metrics(runID: runID).count == rows else {
            throw CommandFailure("store benchmark: rows missing after insert")
        }
        print("store\trows\tbatch\tseconds\trows_per_second")
        print(
            "store\t\(rows)\t\(batch)\t\(String(format: "%.3f", seconds))\t\(String(format: "%.0f", Double(rows) / seconds))"
        )
    }
}

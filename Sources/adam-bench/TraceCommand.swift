import ArgumentParser
import Foundation
import Optimizers

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Apply optimizers to given gradient sequences and print the parameter trajectories as JSON.",
        discussion: """
            FILE holds {"cases": [{"id", "optimizer", "hyperparameters", "initial", "gradients"}]}; the output is \
            {"cases": [{"id", "trajectory"}]} where trajectory[k] is the parameter vector after step k+1 (for \
            schedule-free-adamw, the reference's train-mode parameters y); optimizers that evaluate the model \
            elsewhere (schedule-free-adamw's eval-mode x, temporal averaging) add "evaluation", the points the \
            model would be evaluated at after each step.

            Optimizer and hyperparameter names are the spec format's (see docs/OPTIMIZERS.md).
            """)

    @Argument(help: "The trace file (JSON).")
    var file: String

    @Option(help: "Arithmetic of the update: float64 or float32.")
    var precision: String = "float64"

    func run() throws {
        guard let precision = Trace.Precision(rawValue: precision) else {
            throw CommandFailure("--precision: expected float64 or float32, got '\(precision)'")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw CommandFailure("\(file): cannot read the trace file (\(error.localizedDescription))")
        }
        do {
            let cases = try Trace.parse(data, file: file)
            let results = try cases.map { try Trace.result(of: $0, precision: precision) }
            FileHandle.standardOutput.write(Data(Trace.render(results).utf8))
        } catch let problem as Trace.Problem {
            throw CommandFailure(problem.description)
        }
    }
}

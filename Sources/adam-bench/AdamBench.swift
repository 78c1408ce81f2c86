import ArgumentParser
import Foundation
import NeuralNetworks

@main
struct AdamBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adam-bench",
        abstract: "Reproduce, measure and extend the experiments of Kingma & Ba, \"Adam\" (ICLR 2015).",
        discussion: """
            Typical use goes through make: `make reproduce` (the paper's experiments) and `make test`. \
            Datasets live under data/ (`make data`); see README.md.

            OpenBLAS's kernel set is chosen by the CPU's family unless you set OPENBLAS_CORETYPE yourself: \
            SkylakeX on x86-64 CPUs with AVX-512 (F, CD, BW, DQ, VL), Haswell on those with AVX2 and FMA, \
            so curves have the same bits on every CPU of a family. Runs of BLAS-using models are keyed to \
            the set in use and never mixed with runs of another; `adam-bench plan` names the set.
            """,
        subcommands: [
            RunCommand.self, PlanCommand.self, RunsCommand.self, ReportCommand.self, CompareCommand.self,
            MergeCommand.self, SlurmCommand.self,
            TraceCommand.self,
            BenchCommand.self, DataCommand.self,
        ])

    /// Pins OpenBLAS's kernel set first (`BLASKernel`: may re-execute the program), refuses a set
    /// this CPU cannot run before any command that computes (rather than die of SIGILL in the first
    /// product), then parses.
    static func main() {
        BLASKernel.pinByReexecuting()
        let command = CommandLine.arguments.dropFirst().first ?? ""
        if let reason = BLASKernel.unrunnableReason, !readOnlyCommands.contains(command) {
            FileHandle.standardError.write(Data("Error: \(reason)\n".utf8))
            Foundation.exit(2)
        }
        main(nil)
    }

    /// Subcommands (and help) that never call OpenBLAS, so run under any kernel set.
    static let readOnlyCommands: Set<String> = [
        "plan", "runs", "report", "compare", "merge", "slurm", "help", "-h", "--help", "--version", "",
    ]
}

/// A failure reported to the user as one clear line (ArgumentParser prints it and exits non-zero).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

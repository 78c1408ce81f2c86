import ArgumentParser
import NeuralNetworks

@main
struct AdamBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adam-bench",
        abstract: "Reproduce, measure and extend the experiments of Kingma & Ba, \"Adam\" (ICLR 2015).",
        discussion: """
        Typical use goes through make: `make reproduce` (the paper's experiments) and `make test`. \
        Datasets live under data/ (`make data`); see README.md.

        On x86-64 CPUs with AVX2 and FMA, OpenBLAS runs its Haswell kernels (OPENBLAS_CORETYPE=Haswell, \
        set unless you set it yourself), so curves have the same bits on every such CPU.
        """,
        subcommands: [RunCommand.self, PlanCommand.self, RunsCommand.self, ReportCommand.self, TraceCommand.self, BenchCommand.self, DataCommand.self])

    /// Pins OpenBLAS's kernel set first (`BLASKernel`: may re-execute the program), then parses.
    static func main() {
        BLASKernel.pinByReexecuting()
        main(nil)
    }
}

/// A failure reported to the user as one clear line (ArgumentParser prints it and exits non-zero).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import ArgumentParser

@main
struct AdamBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adam-bench",
        abstract: "Reproduce, measure and extend the experiments of Kingma & Ba, \"Adam\" (ICLR 2015).",
        discussion: """
        Typical use goes through make: `make reproduce` (the paper's experiments) and `make test`.
        Datasets live under data/ (`make data`); see README.md.
        """,
        subcommands: [RunCommand.self, PlanCommand.self, RunsCommand.self, ReportCommand.self, TraceCommand.self, BenchCommand.self, DataCommand.self])
}

/// A failure reported to the user as one clear line (ArgumentParser prints it and exits non-zero).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

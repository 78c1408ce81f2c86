import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput (single thread); `make bench` runs every benchmark.",
        subcommands: [OptimizerBenchCommand.self, ModelBenchCommand.self, StoreBenchCommand.self])
}

import ArgumentParser

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "List and verify the datasets under the data folder.",
        subcommands: [])
}

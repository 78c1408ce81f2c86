import ArgumentParser
import Datasets
import Foundation
import Vocabulary

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "List and verify the datasets under the data folder (`make data` installs them).",
        subcommands: [DataListCommand.self, DataVerifyCommand.self])
}

/// The `--data-dir` option shared by the commands that read datasets.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The data folder (default: $ADAMBENCH_DATA or ./data).")
    var path: String?

    var catalog: DatasetCatalog { Self.catalog(path) }

    static func catalog(_ path: String?) -> DatasetCatalog {
        DatasetCatalog(root: path.map { URL(fileURLWithPath: $0) } ?? DatasetCatalog.defaultRoot())
    }
}

struct DataListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Which datasets are present, where, and their sizes.")

    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        let catalog = data.catalog
        print("dataset\tstatus\tfolder\tbytes")
        for name in DatasetName.allCases {
            let folder = catalog.folder(name)
            let present = catalog.isPresent(name)
            let bytes = name.files.reduce(0) { total, file in
                let url = folder.appendingPathComponent(file)
                return total + ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0)
            }
            print(
                "\(name.rawValue)\t\(present ? "present" : "missing")\t\(folder.path)\t\(present ? String(bytes) : "-")"
            )
        }
    }
}

struct DataVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Hash every file of every present dataset, load it, and print its splits and class balance.",
        discussion: "Exits non-zero when a present dataset fails, or when one of --require is missing.")

    @OptionGroup var data: DataDirectoryOption

    @Option(help: "Datasets that must be present (comma-separated); 'cifar10-any' accepts either CIFAR-10 variant.")
    var require: String = "mnist,fashion-mnist,imdb,cifar10-any"

    func run() throws {
        let catalog = data.catalog
        var failures: [String] = []
        print("dataset\tsplit\texamples\tfeatures\tclass_counts\tchecksums")
        for name in DatasetName.allCases {
            guard catalog.isPresent(name) else {
                print("\(name.rawValue)\t-\t-\t-\t-\tmissing")
                continue
            }
            do {
                try catalog.verifyChecksums(name)
                if name.isImageDataset {
                    for split in DataSplit.allCases {
                        let set = try catalog.images(name, split: split)
                        print(
                            "\(name.rawValue)\t\(split.rawValue)\t\(set.count)\t\(set.featureCount)\t\(set.classCounts.map(String.init).joined(separator: "/"))\tOK"
                        )
                    }
                } else {
                    let (train, test) = try catalog.bagOfWords()
                    for (split, set) in [("train", train), ("test", test)] {
                        print(
                            "\(name.rawValue)\t\(split)\t\(set.count)\t\(set.features.columns)\t\(set.classCounts.map(String.init).joined(separator: "/"))\tOK"
                        )
                    }
                }
            } catch let error as DatasetError {
                print("\(name.rawValue)\t-\t-\t-\t-\tFAILED")
                failures.append(error.description)
            }
        }
        for required in require.split(separator: ",").map(String.init) {
            let present: Bool
            if required == "cifar10-any" {
                present = catalog.isPresent(.cifar10) || catalog.isPresent(.cifar10JPEG)
            } else if let name = DatasetName(rawValue: required) {
                present = catalog.isPresent(name)
            } else {
                throw CommandFailure(
                    "--require: unknown dataset '\(required)'; expected \(DatasetName.allCases.map(\.rawValue).joined(separator: ", ")) or cifar10-any"
                )
            }
            if !present {
                failures.append(
                    "\(catalog.root.path)/\(required == "cifar10-any" ? "cifar10-jpeg (or cifar10)" : required): required dataset is missing; run `make data`"
                )
            }
        }
        guard failures.isEmpty else { throw CommandFailure(failures.joined(separator: "\n")) }
    }
}

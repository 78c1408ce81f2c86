import Foundation
import Vocabulary

/// The data folder (`data/` by default, `ADAMBENCH_DATA` or `--data-dir` otherwise): where each dataset
/// lives, what its files must hash to, and loaders that return verified in-memory splits.
public struct DatasetCatalog: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// `ADAMBENCH_DATA` when set, else `./data`.
    public static func defaultRoot() -> URL {
        URL(
            fileURLWithPath: ProcessInfo.processInfo.environment["ADAMBENCH_DATA"].flatMap { $0.isEmpty ? nil : $0 }
                ?? "data")
    }

    /// Pinned SHA-256 of each file's content, by path under the data folder (same values as
    /// scripts/checksums.sha256, which `make data` uses; DatasetCatalogTests keep them equal). The
    /// canonical CIFAR-10 has no published SHA-256: `make data` checks the archive's published MD5
    /// and records the batches' SHA-256 in data/MANIFEST.sha256.
    public static let pinnedChecksums: [String: String] = [
        "mnist/train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "mnist/train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "mnist/t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "mnist/t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        "fashion-mnist/train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "fashion-mnist/train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "fashion-mnist/t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "fashion-mnist/t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        "imdb/train.csv": "6a6feae701ef239f98ff034ae0112a12cba23e7b8c9d39289917662cb5126c23",
        "imdb/test.csv": "8edfa2f869ecbdb4e69487a64f4926310557e0066da603f44c63da6ca1a42def",
        "cifar10-jpeg/data_batch_1.bin": "c185b4247eedceff1eb0be9fb61d5bc721fb496f915099abf018a9dffe8fbb4a",
        "cifar10-jpeg/data_batch_2.bin": "ec70759dc927487013f5deb0831267de7b87be3c372b35be0dd98dcf1a66de1b",
        "cifar10-jpeg/data_batch_3.bin": "fd0593f213f27c624bc0884e4c656c6243012f114aa1c496fb5d42cc6da1febf",
        "cifar10-jpeg/data_batch_4.bin": "04e4c75b5eedb50863101cf71b9e41813c1c5768294e3af51bcc7dd32a108add",
        "cifar10-jpeg/data_batch_5.bin": "7cfa4c72248c7c830019afddacd0820545010dd33ecb4fc9f83b98408a3ae30c",
        "cifar10-jpeg/test_batch.bin": "15805aee9baaf71c3a2d18c00b7681bc9f8b59b37c63e410178e1b6094e4c68c",
    ]

    public func folder(_ name: DatasetName) -> URL { root.appendingPathComponent(name.rawValue) }

    /// Whether every file of `name` exists (plain or .gz).
    public func isPresent(_ name: DatasetName) -> Bool {
        name.files.allSatisfy { FileManager.default.fileExists(atPath: MNISTLoader.locate(folder(name), $0).path) }
    }

    /// The expected SHA-256 of a file: pinned, or for the canonical CIFAR-10 the one `make data`
    /// recorded in data/MANIFEST.sha256 after checking the archive's published MD5.
    public func expectedChecksum(_ name: DatasetName, file: String) -> String? {
        let relative = "\(name.rawValue)/\(file)"
        return Self.pinnedChecksums[relative] ?? manifest()[relative]
    }

    func manifest() -> [String: String] {
        guard let text = try? String(contentsOf: root.appendingPathComponent("MANIFEST.sha256"), encoding: .utf8) else {
            return [:]
        }
        var entries: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.components(separatedBy: "  ")
            if parts.count == 4 { entries[parts[3]] = parts[0] }
        }
        return entries
    }

    /// The dataset's fingerprint from its expected checksums (no hashing): SHA-256 over the
    /// "file  sha256" lines; nil when a checksum is unknown (canonical CIFAR-10 before `make data`).
    public func declaredFingerprint(_ name: DatasetName) -> String? {
        var files: [(name: String, sha256: String)] = []
        for file in name.files {
            guard let sha = expectedChecksum(name, file: file) else { return nil }
            files.append((file, sha))
        }
        return Fingerprint.combine(files)
    }

    /// Hashes every file of `name` (decompressed content) and compares with the expected checksum.
    /// Throws a `DatasetError` naming the first file that is missing or does not match.
    public func verifyChecksums(_ name: DatasetName) throws {
        for file in name.files {
            let url = MNISTLoader.locate(folder(name), file)
            let bytes = try FileBytes.read(url)
            let digest = Fingerprint.sha256(bytes)
            guard let expected = expectedChecksum(name, file: file) else {
                throw DatasetError(
                    file: url.path,
                    "no checksum to verify against (not pinned and not in \(root.path)/MANIFEST.sha256); run `make data`"
                )
            }
            guard digest == expected else {
                throw DatasetError(
                    file: url.path,
                    "checksum mismatch: SHA-256 \(digest), expected \(expected); delete the file and run `make data`")
            }
        }
    }

    /// Loads an image dataset's split.
    public func images(_ name: DatasetName, split: DataSplit) throws -> ImageSet {
        switch name {
        case .mnist, .fashionMNIST: return try MNISTLoader.load(folder: folder(name), split: split, name: name.rawValue)
        case .cifar10, .cifar10JPEG:
            return try CIFAR10Loader.load(folder: folder(name), split: split, name: name.rawValue)
        case .imdb: throw DatasetError(file: folder(name).path, "imdb is a bag-of-words dataset, not images")
        }
    }

    /// Loads IMDB's bag-of-words splits.
    public func bagOfWords(vocabularySize: Int = 10_000) throws -> (train: BagOfWordsSet, test: BagOfWordsSet) {
        try IMDBLoader.load(folder: folder(.imdb), vocabularySize: vocabularySize)
    }
}

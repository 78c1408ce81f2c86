import Datasets
import Foundation
import Testing
import Vocabulary

@Suite struct ImageLoaderTests {
    func mnistFolder(gzip: Bool) throws -> URL {
        let dir = try TestFiles.directory()
        for (prefix, count) in [("train", 5), ("t10k", 3)] {
            var images = TestFiles.idxImages(count: count, rows: 4, cols: 3)
            var labels = TestFiles.idxLabels((0..<count).map { UInt8($0 % 10) })
            if gzip {
                images = try TestFiles.gzip(images)
                labels = try TestFiles.gzip(labels)
            }
            let ext = gzip ? ".gz" : ""
            try TestFiles.write(images, dir.appendingPathComponent("\(prefix)-images-idx3-ubyte\(ext)"))
            try TestFiles.write(labels, dir.appendingPathComponent("\(prefix)-labels-idx1-ubyte\(ext)"))
        }
        return dir
    }

    @Test(arguments: [false, true])
    func loadsIDXPlainAndGzip(gzip: Bool) throws {
        let folder = try mnistFolder(gzip: gzip)
        let train = try MNISTLoader.load(folder: folder, split: .train, name: "mnist")
        #expect(train.count == 5 && train.height == 4 && train.width == 3 && train.channels == 1)
        #expect(train.labels == [0, 1, 2, 3, 4])
        #expect(train.pixels[13] == Float(8) / 255, "image 1, pixel 1 = (1*7 + 1) % 256")
        #expect(train.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        let test = try MNISTLoader.load(folder: folder, split: .test, name: "mnist")
        #expect(test.count == 3 && test.name == "mnist/test")
        let plain = try MNISTLoader.load(folder: try mnistFolder(gzip: false), split: .train, name: "mnist")
        #expect(plain.fingerprint == train.fingerprint, "the fingerprint is of the content, not the compression")
    }

    func failure(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch { return "\(error)" }
    }

    @Test func missingFileNamesTheFile() throws {
        let folder = try TestFiles.directory()
        let message = failure { _ = try MNISTLoader.load(folder: folder, split: .train, name: "mnist") }
        #expect(message == "\(folder.path)/train-images-idx3-ubyte: file is missing (run `make data`)")
    }

    @Test func truncatedIDXIsRejected() throws {
        let folder = try mnistFolder(gzip: false)
        let url = folder.appendingPathComponent("train-images-idx3-ubyte")
        let bytes = [UInt8](try Data(contentsOf: url))
        try TestFiles.write(Array(bytes.dropLast(5)), url)
        #expect(
            failure { _ = try MNISTLoader.load(folder: folder, split: .train, name: "mnist") }
                == "\(url.path): truncated IDX file: 71 bytes, expected 76 for dimensions 5x4x3")
        try TestFiles.write(Array(bytes.prefix(10)), url)
        #expect(
            failure { _ = try MNISTLoader.load(folder: folder, split: .train, name: "mnist") }
                == "\(url.path): truncated IDX header: 10 bytes, expected at least 16")
    }

    @Test func wrongMagicNumberIsRejected() throws {
        let folder = try mnistFolder(gzip: false)
        let url = folder.appendingPathComponent("train-labels-idx1-ubyte")
        try TestFiles.write(TestFiles.idxImages(count: 5, rows: 1, cols: 1), url)  // an images file where labels belong
        #expect(
            failure { _ = try MNISTLoader.load(folder: folder, split: .train, name: "mnist") }
                == "\(url.path): wrong magic number 0x803, expected 0x00000801 (unsigned bytes, 1 dimension)")
    }

    /// Found by `make fuzz` (target idx): a header naming three dimensions of 2^32 - 1 overflowed
    /// the product of the sizes (a trap). It is an error naming the dimensions now.
    @Test func dimensionsWhoseProductOverflowsAreRejected() throws {
        let header: [UInt8] = [0, 0, 8, 3] + [UInt8](repeating: 0xff, count: 12)
        #expect(throws: DatasetError.self) {
            _ = try IDXFile(bytes: header + [UInt8](repeating: 0xff, count: 64), expectedDimensionCount: 3, file: "x")
        }
        do {
            _ = try IDXFile(bytes: header, expectedDimensionCount: 3, file: "x")
        } catch {
            #expect("\(error)".contains("IDX dimensions 4294967295x4294967295x4294967295 imply more than"))
        }
    }

    @Test func labelCountAndRangeAreChecked() throws {
        let folder = try mnistFolder(gzip: false)
        let url = folder.appendingPathComponent("train-labels-idx1-ubyte")
        try TestFiles.write(TestFiles.idxLabels([1, 2, 3]), url)
        #expect(
            failure { _ = try MNISTLoader.load(folder: folder, split: .train, name: "mnist") }.contains(
                "holds 3 labels, expected 5"))
        try TestFiles.write(TestFiles.idxLabels([1, 2, 3, 4, 12]), url)
        #expect(
            failure { _ = try MNISTLoader.load(folder: folder, split: .train, name: "mnist") }.hasSuffix(
                "label 12 out of range, expected 0...9"))
    }

    @Test func truncatedGzipIsRejected() throws {
        let folder = try mnistFolder(gzip: true)
        let url = folder.appendingPathComponent("train-images-idx3-ubyte.gz")
        let bytes = [UInt8](try Data(contentsOf: url))
        try TestFiles.write(Array(bytes.prefix(bytes.count / 2)), url)
        #expect(
            failure { _ = try MNISTLoader.load(folder: folder, split: .train, name: "mnist") }
                == "\(url.path): truncated gzip file: the compressed stream ends early")
    }

    @Test(arguments: [false, true])
    func loadsCIFARBatches(gzip: Bool) throws {
        let folder = try TestFiles.directory()
        for name in CIFAR10Loader.trainBatches + CIFAR10Loader.testBatches {
            let batch = TestFiles.cifarBatch(records: 3)
            try TestFiles.write(
                gzip ? try TestFiles.gzip(batch) : batch, folder.appendingPathComponent(name + (gzip ? ".gz" : "")))
        }
        let train = try CIFAR10Loader.load(folder: folder, split: .train, name: "cifar10-jpeg")
        #expect(train.count == 15 && train.featureCount == 3072 && train.labels.prefix(4) == [0, 1, 2, 0])
        #expect(train.pixels[3072 + 5] == Float(6) / 255, "record 1, byte 5 = (1 + 5) % 256")
        #expect(try CIFAR10Loader.load(folder: folder, split: .test, name: "cifar10-jpeg").count == 3)
    }

    @Test func truncatedCIFARBatchIsRejected() throws {
        let folder = try TestFiles.directory()
        for name in CIFAR10Loader.trainBatches {
            try TestFiles.write(TestFiles.cifarBatch(records: 2), folder.appendingPathComponent(name))
        }
        let url = folder.appendingPathComponent("data_batch_3.bin")
        try TestFiles.write(Array(TestFiles.cifarBatch(records: 2).dropLast(100)), url)
        #expect(
            failure { _ = try CIFAR10Loader.load(folder: folder, split: .train, name: "cifar10") }
                == "\(url.path): 6046 bytes is not a whole number of 3073-byte records (1 label byte + 3072 pixel bytes); the file is truncated or not a CIFAR-10 batch"
        )
    }

    @Test func checksumMismatchNamesTheFileAndBothDigests() throws {
        let root = try TestFiles.directory()
        let catalog = DatasetCatalog(root: root)
        for file in DatasetName.mnist.files {
            try TestFiles.write([1, 2, 3], root.appendingPathComponent("mnist/\(file)"))
        }
        let url = root.appendingPathComponent("mnist/train-images-idx3-ubyte")
        #expect(
            failure { try catalog.verifyChecksums(.mnist) }
                == "\(url.path): checksum mismatch: SHA-256 039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81, expected ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db; delete the file and run `make data`"
        )
    }

    @Test func pinnedChecksumsAgreeWithTheDataScript() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/checksums.sha256")
        var pins: [String: String] = [:]
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
            let parts = line.components(separatedBy: "  ")
            pins[parts[1]] = parts[0]
        }
        #expect(pins == DatasetCatalog.pinnedChecksums)
    }
}

import CSV
import Foundation

/// IMDB movie reviews (Maas et al. 2011) as `make data` lays them out: `train.csv` and `test.csv`,
/// columns `label,text` (0 = negative, 1 = positive). Builds the vocabulary of the most frequent
/// training tokens (by total count; ties broken by code-point order of the token) and binary
/// bag-of-words features for both splits.
public enum IMDBLoader {
    public struct Review: Sendable {
        public let label: Int32
        public let text: String
    }

    /// Reads and validates one split's CSV; also returns the SHA-256 of the bytes read.
    public static func readReviews(_ url: URL) throws -> (reviews: [Review], sha256: String) {
        let bytes = try FileBytes.read(url)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DatasetError(file: url.path, "not valid UTF-8 text")
        }
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true) } catch {
            throw DatasetError(file: url.path, "cannot read the CSV header, expected 'label,text'")
        }
        guard reader.headerRow == ["label", "text"] else {
            throw DatasetError(
                file: url.path, "header is '\(reader.headerRow?.joined(separator: ",") ?? "")', expected 'label,text'")
        }
        var reviews: [Review] = []
        var row = 1
        while let fields = reader.next() {
            row += 1
            guard fields.count == 2 else {
                throw DatasetError(
                    file: url.path,
                    "row \(row): \(fields.count) field\(fields.count == 1 ? "" : "s"), expected 2 (label,text)")
            }
            guard let label = Int32(fields[0]), label == 0 || label == 1 else {
                throw DatasetError(file: url.path, "row \(row): label '\(fields[0])', expected 0 or 1")
            }
            reviews.append(Review(label: label, text: fields[1]))
        }
        if let error = reader.error { throw DatasetError(file: url.path, "row \(row + 1): malformed CSV (\(error))") }
        return (reviews, Fingerprint.sha256(bytes))
    }

    /// Binary presence features: each document's token ids mapped through `featureOf` (token id ->
    /// feature index, or -1 outside the vocabulary), deduplicated and sorted.
    public static func features(of documents: [[Int32]], featureOf: [Int32], featureCount: Int) -> SparseMatrix {
        var offsets = [0], columns: [Int32] = []
        offsets.reserveCapacity(documents.count + 1)
        var seen = [Bool](repeating: false, count: featureCount)
        var row: [Int32] = []
        for ids in documents {
            row.removeAll(keepingCapacity: true)
            for id in ids where Int(id) < featureOf.count {
                let f = featureOf[Int(id)]
                if f >= 0 && !seen[Int(f)] {
                    seen[Int(f)] = true
                    row.append(f)
                }
            }
            row.sort()
            for f in row { seen[Int(f)] = false }
            columns.append(contentsOf: row)
            offsets.append(columns.count)
        }
        return SparseMatrix(
            rows: documents.count, columns: featureCount, rowOffsets: offsets, columnIndices: columns,
            values: [Float](repeating: 1, count: columns.count))
    }

    /// Loads both splits from `folder` (data/imdb) with a vocabulary of `vocabularySize` training tokens.
    public static func load(
        folder: URL, vocabularySize: Int = 10_000
    ) throws -> (train: BagOfWordsSet, test: BagOfWordsSet) {
        let trainURL = folder.appendingPathComponent("train.csv"), testURL = folder.appendingPathComponent("test.csv")
        let (train, trainSHA) = try readReviews(trainURL), (test, testSHA) = try readReviews(testURL)
        var tokenizer = Tokenizer()
        let trainIDs = train.map { tokenizer.encode($0.text, learn: true) }
        let testIDs = test.map { tokenizer.encode($0.text, learn: false) }
        let kept = tokenizer.mostFrequent(vocabularySize)
        var featureOf = [Int32](repeating: -1, count: tokenizer.tokens.count)
        for (feature, id) in kept.enumerated() { featureOf[Int(id)] = Int32(feature) }
        let vocabulary = kept.map { tokenizer.tokens[Int($0)] }
        let fingerprint = Fingerprint.combine([
            ("train.csv", trainSHA), ("test.csv", testSHA),
            ("tokenizer", Fingerprint.sha256(Array((Tokenizer.description + " size=\(vocabularySize)").utf8))),
        ])
        func set(_ split: DataSplit, _ reviews: [Review], _ ids: [[Int32]]) -> BagOfWordsSet {
            BagOfWordsSet(
                name: "imdb/\(split.rawValue)",
                features: features(of: ids, featureOf: featureOf, featureCount: vocabulary.count),
                labels: reviews.map(\.label), classCount: 2, vocabulary: vocabulary, fingerprint: fingerprint)
        }
        return (set(.train, train, trainIDs), set(.test, test, testIDs))
    }
}

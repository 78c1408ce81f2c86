/// A labelled bag-of-words split: binary presence features over a fixed vocabulary, stored as CSR.
public struct BagOfWordsSet: Sendable {
    public let name: String
    public let features: SparseMatrix
    public let labels: [Int32]
    public let classCount: Int
    /// The vocabulary, feature index -> token.
    public let vocabulary: [String]
    /// SHA-256 over the source files and the vocabulary size.
    public let fingerprint: String

    public var count: Int { labels.count }

    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }
}

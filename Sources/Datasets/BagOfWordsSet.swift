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

    /// `n` examples taking each class's first examples in turn (the IMDB splits are sorted by class,
    /// so a plain prefix would hold one class only), kept in their original order.
    public func balancedSubset(_ n: Int) -> BagOfWordsSet {
        guard n < count else { return self }
        var byClass = [[Int]](repeating: [], count: classCount)
        for (i, label) in labels.enumerated() { byClass[Int(label)].append(i) }
        var chosen: [Int] = [], cursor = [Int](repeating: 0, count: classCount)
        while chosen.count < n {
            for c in 0..<classCount where chosen.count < n && cursor[c] < byClass[c].count {
                chosen.append(byClass[c][cursor[c]])
                cursor[c] += 1
            }
        }
        chosen.sort()
        return BagOfWordsSet(
            name: name, features: features.rows(chosen), labels: chosen.map { labels[$0] }, classCount: classCount,
            vocabulary: vocabulary, fingerprint: Fingerprint.combine([("subset", String(n)), ("source", fingerprint)]))
    }
}

import Datasets
import NeuralNetworks

/// Gathers examples (by index) into contiguous minibatch buffers, preallocated once per run.
final class BatchAssembler {
    let capacity: Int
    private var dense: [Float]
    private var labels: [Int32]
    private var offsets: [Int]
    private var columns: [Int32]
    private var values: [Float]

    init(capacity: Int, features: Int, maxNonzeros: Int) {
        self.capacity = capacity
        dense = [Float](repeating: 0, count: capacity * features)
        labels = [Int32](repeating: 0, count: capacity)
        offsets = [Int](repeating: 0, count: capacity + 1)
        columns = [Int32](repeating: 0, count: maxNonzeros)
        values = [Float](repeating: 0, count: maxNonzeros)
    }

    /// Calls `body` with the examples `indices` of `set` as a model batch.
    func withBatch<R>(_ set: ImageSet, _ indices: ArraySlice<Int>, _ body: (ModelBatch<Float>) -> R) -> R {
        let d = set.featureCount, n = indices.count
        return set.pixels.withUnsafeBufferPointer { x in
            dense.withUnsafeMutableBufferPointer { out in
                labels.withUnsafeMutableBufferPointer { l in
                    for (r, i) in indices.enumerated() {
                        (out.baseAddress! + r * d).update(from: x.baseAddress! + i * d, count: d)
                        l[r] = set.labels[i]
                    }
                    return body(
                        ModelBatch(
                            count: n, dense: UnsafePointer(out.baseAddress!), labels: UnsafePointer(l.baseAddress!)))
                }
            }
        }
    }

    func withBatch<R>(_ set: BagOfWordsSet, _ indices: ArraySlice<Int>, _ body: (ModelBatch<Float>) -> R) -> R {
        let m = set.features
        var nonzeros = 0
        offsets[0] = 0
        for (r, i) in indices.enumerated() {
            for k in m.rowOffsets[i]..<m.rowOffsets[i + 1] {
                columns[nonzeros] = m.columnIndices[k]
                values[nonzeros] = m.values[k]
                nonzeros += 1
            }
            offsets[r + 1] = nonzeros
            labels[r] = set.labels[i]
        }
        return offsets.withUnsafeBufferPointer { o in
            columns.withUnsafeBufferPointer { c in
                values.withUnsafeBufferPointer { v in
                    labels.withUnsafeBufferPointer { l in
                        body(
                            ModelBatch(
                                count: indices.count,
                                sparse: SparseRows(
                                    rowOffsets: o.baseAddress!, columns: c.baseAddress!, values: v.baseAddress!),
                                labels: l.baseAddress!))
                    }
                }
            }
        }
    }

    /// An upper bound on the nonzeros of any `batch` rows of `set`: the sum of its `batch` longest rows.
    static func maxNonzeros(_ set: BagOfWordsSet, batch: Int) -> Int {
        let lengths = (0..<set.count).map { set.features.rowOffsets[$0 + 1] - set.features.rowOffsets[$0] }.sorted(
            by: >)
        return max(1, lengths.prefix(batch).reduce(0, +))
    }
}

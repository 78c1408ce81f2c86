/// A sparse matrix in compressed sparse row (CSR) form, Float32 values, Int32 column indices.
/// Row r's nonzeros are `columns[rowOffsets[r]..<rowOffsets[r+1]]` (ascending) with `values` alongside.
public struct SparseMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public let rowOffsets: [Int]
    public let columnIndices: [Int32]
    public let values: [Float]

    public init(rows: Int, columns: Int, rowOffsets: [Int], columnIndices: [Int32], values: [Float]) {
        precondition(
            rowOffsets.count == rows + 1 && columnIndices.count == values.count && rowOffsets.last == values.count,
            "SparseMatrix: inconsistent CSR arrays")
        self.rows = rows
        self.columns = columns
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
        self.values = values
    }

    public var nonzeroCount: Int { values.count }

    /// The rows at `indices`, in that order (minibatches, subsets).
    public func rows(_ indices: some Collection<Int>) -> SparseMatrix {
        var offsets = [0], cols: [Int32] = [], vals: [Float] = []
        offsets.reserveCapacity(indices.count + 1)
        for r in indices {
            let range = rowOffsets[r]..<rowOffsets[r + 1]
            cols.append(contentsOf: columnIndices[range])
            vals.append(contentsOf: values[range])
            offsets.append(vals.count)
        }
        return SparseMatrix(
            rows: indices.count, columns: columns, rowOffsets: offsets, columnIndices: cols, values: vals)
    }
}

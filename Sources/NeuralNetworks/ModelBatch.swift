/// One minibatch as a model reads it: `count` examples, dense features (row-major, count x features)
/// or sparse CSR rows, and integer labels (ignored by the VAE, whose targets are its inputs).
public struct ModelBatch<T: NNScalar> {
    public let count: Int
    public let dense: UnsafePointer<T>?
    public let sparse: SparseRows<T>?
    public let labels: UnsafePointer<Int32>

    public init(count: Int, dense: UnsafePointer<T>, labels: UnsafePointer<Int32>) {
        self.count = count
        self.dense = dense
        self.sparse = nil
        self.labels = labels
    }

    public init(count: Int, sparse: SparseRows<T>, labels: UnsafePointer<Int32>) {
        self.count = count
        self.dense = nil
        self.sparse = sparse
        self.labels = labels
    }
}

/// CSR rows: row r's nonzeros are at `rowOffsets[r]..<rowOffsets[r+1]` of `columns` / `values`.
public struct SparseRows<T: NNScalar> {
    public let rowOffsets: UnsafePointer<Int>
    public let columns: UnsafePointer<Int32>
    public let values: UnsafePointer<T>

    public init(rowOffsets: UnsafePointer<Int>, columns: UnsafePointer<Int32>, values: UnsafePointer<T>) {
        self.rowOffsets = rowOffsets
        self.columns = columns
        self.values = values
    }
}

/// What a training step reports: the minibatch's mean data loss (as trained: with dropout) and the
/// regularization penalty (lambda/2 * ||W||^2), whose sum is the objective the gradient is of.
public struct StepLoss: Sendable, Equatable {
    public let loss: Double
    public let penalty: Double

    public init(loss: Double, penalty: Double) {
        self.loss = loss
        self.penalty = penalty
    }
    public var objective: Double { loss + penalty }
}

/// Sums over evaluated examples (eval mode, no dropout): loss and correct predictions.
public struct Evaluation: Sendable, Equatable {
    public var lossSum: Double = 0
    public var correct: Int = 0
    public var count: Int = 0

    public init() {}

    public var meanLoss: Double { lossSum / Double(max(count, 1)) }
    public var accuracy: Double { Double(correct) / Double(max(count, 1)) }

    public mutating func add(_ other: Evaluation) {
        lossSum += other.lossSum
        correct += other.correct
        count += other.count
    }
}

import DeterministicRandom

/// Logistic regression on sparse bag-of-words input (the paper's IMDB experiment, Section 6.1):
/// `features` -> `classes` softmax (two classes, equivalent to a sigmoid output), with dropout on
/// the input features.
///
///     z_r = b + sum over nonzeros (j, v) of row r: (v * m_rj) * W[j, :]      (m = inverted dropout mask)
///     loss = mean cross-entropy(softmax(z_r), label_r);   objective = loss + (lambda / 2) ||W||^2
///
/// The forward pass reads only the rows of W named by the batch's nonzeros, and the backward pass
/// scatters into only those rows of dW (after clearing the gradient): cost is proportional to the
/// number of nonzeros, not to the vocabulary size. Mask draws: one 32-bit uniform per nonzero, in
/// CSR order (two per 64-bit generator output, as in `Dropout`).
public final class BagOfWordsLogisticRegression<T: NNScalar>: Model {
    public typealias Scalar = T
    public let layout: ParameterLayout
    public let maxBatch: Int
    public let features: Int
    public let classes: Int
    let weight: ParameterView
    let bias: ParameterView
    let dropout: Dropout<T>
    let penalty: WeightPenalty<T>
    let logits: Buffer<T>

    /// `maxNonzeros`: the most nonzeros a batch may hold (sizes the dropout mask).
    public init(features: Int, classes: Int = 2, inputDropout: Double = 0, l2: Double = 0, maxBatch: Int, maxNonzeros: Int) {
        var layout = ParameterLayout()
        weight = layout.add("linear.weight", shape: [features, classes], initialization: .glorotUniform, fanIn: features, fanOut: classes)
        bias = layout.add("linear.bias", shape: [classes], initialization: .zero)
        self.layout = layout
        self.features = features
        self.classes = classes
        self.maxBatch = maxBatch
        dropout = Dropout(rate: inputDropout, capacity: maxNonzeros)
        penalty = WeightPenalty(coefficient: l2, views: [weight])
        logits = Buffer(maxBatch * classes)
    }

    public func trainingFLOPs(batch: Int) -> Double {
        // Unknown without the batch's nonzeros; a typical IMDB review has about 130 of the 10k words.
        Double(batch) * 130 * Double(classes) * 4
    }

    public func initialize(parameters: UnsafeMutablePointer<T>, scheme: Initialization, rng: inout Xoshiro256) {
        initializeViews(parameters, scheme: scheme, rng: &rng)
    }

    func forward(_ p: UnsafePointer<T>, rows: SparseRows<T>, batch: Int, mask: UnsafePointer<T>?) {
        let w = p + weight.offset, b = p + bias.offset, z = logits.pointer
        for r in 0..<batch {
            let out = z + r * classes
            for c in 0..<classes { out[c] = b[c] }
            for k in rows.rowOffsets[r]..<rows.rowOffsets[r + 1] {
                let v = mask.map { rows.values[k] * $0[k - rows.rowOffsets[0]] } ?? rows.values[k]
                let wr = w + Int(rows.columns[k]) * classes
                for c in 0..<classes { out[c] += v * wr[c] }
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func trainingStep(parameters p: UnsafePointer<T>, gradients g: UnsafeMutablePointer<T>,
                             batch: ModelBatch<T>, rng: inout Xoshiro256) -> StepLoss {
        precondition(batch.count <= maxBatch, "batch larger than the model's workspace")
        let rows = batch.sparse!, n = batch.count
        let first = rows.rowOffsets[0], nonzeros = rows.rowOffsets[n] - first
        precondition(nonzeros <= dropout.mask.capacity || !dropout.isActive, "batch has more nonzeros than the dropout mask holds")
        dropout.draw(count: nonzeros, rng: &rng)
        let mask: UnsafePointer<T>? = dropout.isActive ? UnsafePointer(dropout.mask.pointer) : nil
        forward(p, rows: rows, batch: n, mask: mask)
        let dz = logits.pointer // the gradient overwrites the logits
        let result = SoftmaxCrossEntropy.evaluate(logits.pointer, labels: batch.labels, batch: n, classes: classes, gradient: dz)
        g.update(repeating: 0, count: layout.count)
        let dw = g + weight.offset, db = g + bias.offset
        for r in 0..<n {
            let d = dz + r * classes
            for c in 0..<classes { db[c] += d[c] }
            for k in rows.rowOffsets[r]..<rows.rowOffsets[r + 1] {
                let v = mask.map { rows.values[k] * $0[k - first] } ?? rows.values[k]
                let gr = dw + Int(rows.columns[k]) * classes
                for c in 0..<classes { gr[c] += v * d[c] }
            }
        }
        return StepLoss(loss: result.meanLoss, penalty: penalty.apply(parameters: p, gradients: g))
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func evaluate(parameters p: UnsafePointer<T>, batch: ModelBatch<T>) -> Evaluation {
        forward(p, rows: batch.sparse!, batch: batch.count, mask: nil)
        return SoftmaxCrossEntropy.evaluate(logits.pointer, labels: batch.labels, batch: batch.count, classes: classes, gradient: nil)
    }
}

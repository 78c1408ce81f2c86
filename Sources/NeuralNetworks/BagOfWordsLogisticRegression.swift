import DeterministicRandom
import Vocabulary

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
    public init(
        features: Int, classes: Int = 2, inputDropout: Double = 0, l2: Double = 0, maxBatch: Int, maxNonzeros: Int
    ) {
        var layout = ParameterLayout()
        weight = layout.add(
            "linear.weight", shape: [features, classes], initialization: .glorotUniform, fanIn: features,
            fanOut: classes)
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

    /// The value of nonzero k after dropout (the mask is indexed from the batch's first nonzero).
    @inline(__always)
    func input(_ rows: SparseRows<T>, _ k: Int, _ mask: UnsafePointer<T>?) -> T {
        guard let mask else { return rows.values[k] }
        return rows.values[k] * mask[k - rows.rowOffsets[0]]
    }

    func forward(_ p: UnsafePointer<T>, rows: SparseRows<T>, batch: Int, mask: UnsafePointer<T>?) {
        let w = p + weight.offset, b = p + bias.offset, z = logits.pointer
        for r in 0..<batch {
            let out = z + r * classes
            let range = rows.rowOffsets[r]..<rows.rowOffsets[r + 1]
            if classes == 2 {  // the IMDB case: accumulate in registers
                var z0 = b[0], z1 = b[1]
                for k in range {
                    let v = input(rows, k, mask), wr = w + Int(rows.columns[k]) * 2
                    z0 += v * wr[0]
                    z1 += v * wr[1]
                }
                out[0] = z0
                out[1] = z1
            } else {
                for c in 0..<classes { out[c] = b[c] }
                for k in range {
                    let v = input(rows, k, mask), wr = w + Int(rows.columns[k]) * classes
                    for c in 0..<classes { out[c] += v * wr[c] }
                }
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func trainingStep(
        parameters p: UnsafePointer<T>, gradients g: UnsafeMutablePointer<T>,
        batch: ModelBatch<T>, rng: inout Xoshiro256
    ) -> StepLoss {
        precondition(batch.count <= maxBatch, "batch larger than the model's workspace")
        let rows = batch.sparse!, n = batch.count
        let first = rows.rowOffsets[0], nonzeros = rows.rowOffsets[n] - first
        precondition(
            nonzeros <= dropout.mask.capacity || !dropout.isActive,
            "batch has more nonzeros than the dropout mask holds")
        dropout.draw(count: nonzeros, rng: &rng)
        let mask: UnsafePointer<T>? = dropout.isActive ? UnsafePointer(dropout.mask.pointer) : nil
        forward(p, rows: rows, batch: n, mask: mask)
        let dz = logits.pointer  // the gradient overwrites the logits
        let result = SoftmaxCrossEntropy.evaluate(
            logits.pointer, labels: batch.labels, batch: n, classes: classes, gradient: dz)
        g.update(repeating: 0, count: layout.count)
        let dw = g + weight.offset, db = g + bias.offset
        for r in 0..<n {
            let d = dz + r * classes
            for c in 0..<classes { db[c] += d[c] }
            for k in rows.rowOffsets[r]..<rows.rowOffsets[r + 1] {
                let v = input(rows, k, mask)
                let gr = dw + Int(rows.columns[k]) * classes
                if classes == 2 {
                    gr[0] += v * d[0]
                    gr[1] += v * d[1]
                } else {
                    for c in 0..<classes { gr[c] += v * d[c] }
                }
            }
        }
        return StepLoss(loss: result.meanLoss, penalty: penalty.apply(parameters: p, gradients: g))
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func evaluate(parameters p: UnsafePointer<T>, batch: ModelBatch<T>) -> Evaluation {
        forward(p, rows: batch.sparse!, batch: batch.count, mask: nil)
        return SoftmaxCrossEntropy.evaluate(
            logits.pointer, labels: batch.labels, batch: batch.count, classes: classes, gradient: nil)
    }

    public func penalty(parameters p: UnsafePointer<T>) -> Double { penalty.value(parameters: p) }
    public var isClassifier: Bool { true }
}

import DeterministicRandom
import NeuralNetworks
import Testing

@Suite struct BagOfWordsGradientTests {
    /// A random CSR batch: `batch` rows over `features` columns, about a third of them present.
    static func sparseBatch(
        batch: Int, features: Int, seed: UInt64
    ) -> (offsets: [Int], columns: [Int32], values: [Double]) {
        var rng = Xoshiro256(seed: seed)
        var offsets = [0], columns: [Int32] = [], values: [Double] = []
        for _ in 0..<batch {
            for j in 0..<features where rng.nextUnit() < 0.35 {
                columns.append(Int32(j))
                values.append(1 + rng.nextUnit())
            }
            offsets.append(columns.count)
        }
        return (offsets, columns, values)
    }

    @Test(arguments: [(0.0, 0.0), (0.5, 0.0), (0.5, 0.05)])
    func gradientMatchesFiniteDifferences(dropout: Double, l2: Double) {
        let batch = 6, features = 9
        let model = BagOfWordsLogisticRegression<Double>(
            features: features, classes: 2, inputDropout: dropout, l2: l2, maxBatch: batch,
            maxNonzeros: batch * features)
        let csr = Self.sparseBatch(batch: batch, features: features, seed: 4)
        let labels: [Int32] = [0, 1, 1, 0, 1, 0]
        let parameters = GradientCheck.randomParameters(model, seed: 9)
        let result = csr.offsets.withUnsafeBufferPointer { o in
            csr.columns.withUnsafeBufferPointer { c in
                csr.values.withUnsafeBufferPointer { v in
                    labels.withUnsafeBufferPointer { l in
                        GradientCheck.run(
                            model, parameters: parameters,
                            batch: ModelBatch(
                                count: batch,
                                sparse: SparseRows(
                                    rowOffsets: o.baseAddress!, columns: c.baseAddress!, values: v.baseAddress!),
                                labels: l.baseAddress!))
                    }
                }
            }
        }
        #expect(result.normRelativeError <= 1e-6, "\(result)")
        #expect(result.worstCoordinateError <= 1e-6, "\(result)")
    }

    /// Without dropout, the sparse model equals the dense logistic regression on the densified input.
    @Test func matchesDenseLogisticRegression() {
        let batch = 6, features = 9
        let sparse = BagOfWordsLogisticRegression<Double>(
            features: features, maxBatch: batch, maxNonzeros: batch * features)
        let dense = FeedForwardNetwork<Double>(sizes: [features, 2], maxBatch: batch)
        let csr = Self.sparseBatch(batch: batch, features: features, seed: 8)
        var x = [Double](repeating: 0, count: batch * features)
        for r in 0..<batch {
            for k in csr.offsets[r]..<csr.offsets[r + 1] { x[r * features + Int(csr.columns[k])] = csr.values[k] }
        }
        let labels: [Int32] = [1, 0, 1, 1, 0, 0]
        let parameters = GradientCheck.randomParameters(sparse, seed: 3)
        var gs = [Double](repeating: 0, count: parameters.count), gd = gs
        var r1 = Xoshiro256(seed: 1), r2 = Xoshiro256(seed: 1)
        let (ls, ld) = csr.offsets.withUnsafeBufferPointer { o in
            csr.columns.withUnsafeBufferPointer { c in
                csr.values.withUnsafeBufferPointer { v in
                    labels.withUnsafeBufferPointer { l in
                        x.withUnsafeBufferPointer { xx in
                            let a = gs.withUnsafeMutableBufferPointer {
                                sparse.trainingStep(
                                    parameters: parameters, gradients: $0.baseAddress!,
                                    batch: ModelBatch(
                                        count: batch,
                                        sparse: SparseRows(
                                            rowOffsets: o.baseAddress!, columns: c.baseAddress!, values: v.baseAddress!),
                                        labels: l.baseAddress!), rng: &r1)
                            }
                            let b = gd.withUnsafeMutableBufferPointer {
                                dense.trainingStep(
                                    parameters: parameters, gradients: $0.baseAddress!,
                                    batch: ModelBatch(count: batch, dense: xx.baseAddress!, labels: l.baseAddress!),
                                    rng: &r2)
                            }
                            return (a, b)
                        }
                    }
                }
            }
        }
        #expect(abs(ls.loss - ld.loss) < 1e-13)
        for i in 0..<gs.count { #expect(abs(gs[i] - gd[i]) < 1e-13) }
    }
}

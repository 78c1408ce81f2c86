import DeterministicRandom
import NeuralNetworks
import Testing

@Suite struct FeedForwardGradientTests {
    static let tolerance = 1e-6

    func check(sizes: [Int], inputDropout: Double, hiddenDropout: Double, l2: Double) {
        let batch = 5
        let model = FeedForwardNetwork<Double>(
            sizes: sizes, inputDropout: inputDropout, hiddenDropout: hiddenDropout, l2: l2, maxBatch: batch)
        let x = GradientCheck.randomInputs(count: batch * sizes[0], seed: 3)
        let labels: [Int32] = (0..<batch).map { Int32($0 % sizes.last!) }
        let parameters = GradientCheck.randomParameters(model, seed: 11)
        let result = x.withUnsafeBufferPointer { xx in
            labels.withUnsafeBufferPointer { ll in
                GradientCheck.run(
                    model, parameters: parameters,
                    batch: ModelBatch(count: batch, dense: xx.baseAddress!, labels: ll.baseAddress!))
            }
        }
        #expect(
            result.normRelativeError <= Self.tolerance,
            "\(sizes) dropout \(inputDropout)/\(hiddenDropout) l2 \(l2): \(result)")
        #expect(
            result.worstCoordinateError <= Self.tolerance,
            "\(sizes) dropout \(inputDropout)/\(hiddenDropout) l2 \(l2): \(result)")
    }

    @Test func logisticRegression() { check(sizes: [7, 4], inputDropout: 0, hiddenDropout: 0, l2: 0) }
    @Test func logisticRegressionWithL2() { check(sizes: [7, 4], inputDropout: 0, hiddenDropout: 0, l2: 0.3) }
    @Test func mlp() { check(sizes: [6, 5, 4, 3], inputDropout: 0, hiddenDropout: 0, l2: 0) }
    @Test func mlpWithDropoutAndL2() { check(sizes: [6, 5, 4, 3], inputDropout: 0.2, hiddenDropout: 0.5, l2: 0.01) }

    @Test func evaluationMatchesTheTrainingLossWithoutDropout() {
        let model = FeedForwardNetwork<Double>(sizes: [6, 5, 3], maxBatch: 4)
        let parameters = GradientCheck.randomParameters(model, seed: 2)
        let x = GradientCheck.randomInputs(count: 24, seed: 5)
        let labels: [Int32] = [0, 1, 2, 1]
        var g = [Double](repeating: 0, count: model.layout.count)
        var rng = Xoshiro256(seed: 1)
        let (step, evaluation) = parameters.withUnsafeBufferPointer { p in
            x.withUnsafeBufferPointer { xx in
                labels.withUnsafeBufferPointer { ll in
                    let batch = ModelBatch(count: 4, dense: xx.baseAddress!, labels: ll.baseAddress!)
                    let step = g.withUnsafeMutableBufferPointer {
                        model.trainingStep(
                            parameters: p.baseAddress!, gradients: $0.baseAddress!, batch: batch, rng: &rng)
                    }
                    return (step, model.evaluate(parameters: p.baseAddress!, batch: batch))
                }
            }
        }
        #expect(abs(step.loss - evaluation.meanLoss) < 1e-14)
        #expect(evaluation.count == 4 && (0...4).contains(evaluation.correct))
    }
}
